using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Telematics.Api.Administration;
using Telematics.Api.Auth;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Problems;
using Telematics.Api.Storage;
using Telematics.Scoring.Pricing;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/drivers</c> group: create, list, read, update (name, pricing region, time zone, age band, vehicle class) and delete drivers; every
/// write is audited and drops the driver's cached reads.
/// </summary>
internal static class DriverEndpoints
{
    private const int MaxTextLength = 200;

    /// <summary>Maps the driver endpoints under <c>/drivers</c>.</summary>
    public static RouteGroupBuilder MapDriverEndpoints(this RouteGroupBuilder api)
    {
        var drivers = api.MapGroup("/drivers").WithTags("Drivers").RequireDatabase();

        drivers.MapPost("/", CreateAsync)
            .RequirePermission(Permission.DriversWrite)
            .WithName("CreateDriver")
            .WithSummary("Register a driver.")
            .WithDescription("Stores a driver under a unique external reference (409 when it is taken); audited with the caller and IP. " +
                "Optional `region` (a region code of the configured pricing plan, e.g. FR-75; omitted: the plan's default base rate) and " +
                "`timeZone` (IANA id, e.g. Europe/Berlin, used by ingest for the local-time features; omitted: the host's default zone), " +
                "`ageBand` (under25, 25_39, 40_64, over65) and `vehicleClass` (small, family, suv, performance): the plan's classical " +
                "relativities and the cell the telematics relativity is measured in (omitted: factor 1).");
        drivers.MapGet("/", ListAsync)
            .RequirePermission(Permission.DriversRead)
            .WithName("ListDrivers")
            .WithSummary("List drivers, by id, a page at a time.")
            .WithDescription("Optional name filter (case-insensitive substring of the display name); page from 1, pageSize 1–200 " +
                "(default 50). A driver token lists only its own driver.");
        drivers.MapGet("/{driverId:long}", GetAsync)
            .RequirePermission(Permission.DriversRead)
            .RequireDriverOwner()
            .WithName("GetDriver")
            .WithSummary("Read one driver, with its pricing region, time zone, age band and vehicle class (null when the defaults apply).");
        drivers.MapPatch("/{driverId:long}", UpdateAsync)
            .RequirePermission(Permission.DriversWrite)
            .WithName("UpdateDriver")
            .WithSummary("Change a driver's display name, pricing region, time zone, age band or vehicle class.")
            .WithDescription("A merge patch: a field left out keeps its value; `region`, `timeZone`, `ageBand` or `vehicleClass` sent as null " +
                "is cleared (the plan's default rate, the host's default zone, factor 1); displayName cannot be null. A body that sets no field is a 400. " +
                "Audited with the whole driver before and after; the driver's cached reads (scores, premiums) are dropped.");
        drivers.MapDelete("/{driverId:long}", DeleteAsync)
            .RequirePermission(Permission.DriversWrite)
            .WithName("DeleteDriver")
            .WithSummary("Erase a driver: its raw events in every partition, trips, scores and premiums.")
            .WithDescription("One transaction with one driver.delete audit row that keeps no personal data beyond the driver id: the " +
                "number of events deleted and the archive files (partition_archives) of months already archived, which are outside " +
                "the database and may hold the driver's events: the operator deletes or re-writes them. 204; 404 when absent.");
        return drivers;
    }

    private static async Task<Results<Created<DriverResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateDriverRequest request, DriverRepository repository, PricingPlan plan, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var errors = new ValidationErrors();
        CheckText(errors, "externalRef", request.ExternalRef);
        CheckText(errors, "displayName", request.DisplayName);
        CheckRegion(errors, plan, request.Region);
        CheckTimeZone(errors, request.TimeZone);
        CheckAgeBand(errors, request.AgeBand);
        CheckVehicleClass(errors, request.VehicleClass);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        try
        {
            var driver = new NewDriver(request.ExternalRef!, request.DisplayName!) { Region = request.Region, TimeZone = request.TimeZone, AgeBand = request.AgeBand, VehicleClass = request.VehicleClass };
            var created = await repository.CreateAsync(driver, user.AuditActor(http), http.RequestAborted);

            // A read of this id before it existed cached "not found"; drop it.
            await cache.InvalidateAsync([CacheTags.Driver(created.DriverId), CacheTags.Dashboards]);
            return TypedResults.Created($"{ApiRoutes.Prefix}/drivers/{created.DriverId}", DriverResponse.From(created));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The driver already exists.",
                detail: "Another driver has this externalRef.");
        }
    }

    private static async Task<Results<Ok<DriverPage>, ValidationProblem>> ListAsync(
        DriverRepository repository, ClaimsPrincipal user, HttpContext http, string? name = null, int page = 1, int pageSize = 50)
    {
        var errors = new ValidationErrors();
        if (page < 1)
        {
            errors.Add("page", "page must be 1 or more.");
        }

        if (pageSize is < 1 or > DriverRepository.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1–{DriverRepository.MaxPageSize}.");
        }

        if (name is not null && (name.Length > MaxTextLength || name.Any(char.IsControl)))
        {
            // PostgreSQL text cannot hold a NUL: refused here rather than failing the query.
            errors.Add("name", $"name must be at most {MaxTextLength} characters without control characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // The owner guard only sees route values: a driver's list is confined here, to its own id (or nothing).
        long? only = null;
        if (RolePermissions.IsConfinedToOwnDriver(user.GetRole() ?? string.Empty))
        {
            only = user.TryGetDriverId(out var own) && long.TryParse(own, out var ownId) ? ownId : -1;
        }

        var drivers = await repository.ListAsync(string.IsNullOrEmpty(name) ? null : name, only, page, pageSize, http.RequestAborted);
        var items = new DriverResponse[drivers.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = DriverResponse.From(drivers[i]);
        }

        return TypedResults.Ok(new DriverPage(page, pageSize, items));
    }

    private static async Task<Results<Ok<DriverResponse>, NotFound>> GetAsync(
        long driverId, DriverRepository repository, ApiCache cache, HttpContext http)
    {
        var driver = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"drivers:{driverId}"),
            async ct => await repository.GetAsync(driverId, ct) is { } found ? DriverResponse.From(found) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return driver is null ? TypedResults.NotFound() : TypedResults.Ok(driver);
    }

    private static async Task<Results<Ok<DriverResponse>, NotFound, ValidationProblem>> UpdateAsync(
        long driverId, UpdateDriverRequest request, DriverRepository repository, PricingPlan plan, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var errors = new ValidationErrors();
        if (request.HasDisplayName)
        {
            CheckText(errors, "displayName", request.DisplayName);
        }

        if (request.HasRegion)
        {
            CheckRegion(errors, plan, request.Region);
        }

        if (request.HasTimeZone)
        {
            CheckTimeZone(errors, request.TimeZone);
        }

        if (request.HasAgeBand)
        {
            CheckAgeBand(errors, request.AgeBand);
        }

        if (request.HasVehicleClass)
        {
            CheckVehicleClass(errors, request.VehicleClass);
        }

        if (!request.HasDisplayName && !request.HasRegion && !request.HasTimeZone && !request.HasAgeBand && !request.HasVehicleClass)
        {
            errors.Add("body", "Give at least one of displayName, region, timeZone, ageBand, vehicleClass.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // Absent fields stay unset on the update, so the repository keeps them; a null that was sent clears.
        var update = new DriverUpdate { DisplayName = request.DisplayName };
        update = request.HasRegion ? update.Then(new DriverUpdate { Region = request.Region }) : update;
        update = request.HasTimeZone ? update.Then(new DriverUpdate { TimeZone = request.TimeZone }) : update;
        update = request.HasAgeBand ? update.Then(new DriverUpdate { AgeBand = request.AgeBand }) : update;
        update = request.HasVehicleClass ? update.Then(new DriverUpdate { VehicleClass = request.VehicleClass }) : update;
        var updated = await repository.UpdateAsync(driverId, update, user.AuditActor(http), http.RequestAborted);

        // Drops the cached driver, every other cached read under its tag and the book views that list it.
        await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(DriverResponse.From(updated));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(
        long driverId, DriverRepository repository, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var deleted = await repository.DeleteAsync(driverId, user.AuditActor(http), http.RequestAborted);
        await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]);
        if (deleted && http.RequestServices.GetService<EventStreamErasure>() is { } streams)
        {
            await EraseStreamedBatchesAsync(streams, driverId, http.RequestServices.GetRequiredService<ILoggerFactory>());
        }

        return deleted ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    // In stream mode the driver's raw batches (positions) also sit on the event and dead-letter streams until MaxAge. The
    // erasure has committed: a stream that cannot be reached now is logged (ids only) for the operator, not a failure.
    private static async Task EraseStreamedBatchesAsync(EventStreamErasure streams, long driverId, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Telematics.Api.Drivers");
        try
        {
            AdminLog.StreamedBatchesErased(logger, driverId, await streams.EraseDriverAsync(driverId, CancellationToken.None));
        }
        catch (Exception e) when (e is NATS.Client.Core.NatsException or TimeoutException)
        {
            AdminLog.StreamedBatchesNotErased(logger, driverId, e.GetType().Name);
        }
    }


    private static void CheckRegion(ValidationErrors errors, PricingPlan plan, string? region)
    {
        if (region is null)
        {
            return;
        }

        if (!DriverFields.IsRegion(region))
        {
            errors.Add("region", "region must be a code such as FR-75 (two capital letters, optionally '-' and 1–3 capital letters or digits), or null.");
        }
        else if (!plan.RegionBaseRates.ContainsKey(region))
        {
            errors.Add("region", $"region '{region}' is not a region of the pricing plan '{plan.Name}' ({string.Join(", ", plan.RegionBaseRates.Keys.Order(StringComparer.Ordinal))}); " +
                "leave it out (or null) for the plan's default base rate.");
        }
    }

    private static void CheckAgeBand(ValidationErrors errors, string? ageBand)
    {
        if (ageBand is not null && !RatingFactorCodes.IsAgeBand(ageBand))
        {
            errors.Add("ageBand", $"ageBand must be one of {string.Join(", ", RatingFactorCodes.AgeBands)}, or null.");
        }
    }

    private static void CheckVehicleClass(ValidationErrors errors, string? vehicleClass)
    {
        if (vehicleClass is not null && !RatingFactorCodes.IsVehicleClass(vehicleClass))
        {
            errors.Add("vehicleClass", $"vehicleClass must be one of {string.Join(", ", RatingFactorCodes.VehicleClasses)}, or null.");
        }
    }

    private static void CheckTimeZone(ValidationErrors errors, string? timeZone)
    {
        if (timeZone is not null && !DriverFields.TryFindTimeZone(timeZone, out _))
        {
            errors.Add("timeZone", "timeZone must be an IANA time zone id known to the host, such as Europe/Berlin, or null.");
        }
    }

    private static void CheckText(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{field} is required.");
        }
        else if (value.Length > MaxTextLength || value.Any(char.IsControl))
        {
            errors.Add(field, $"{field} must be at most {MaxTextLength} characters without control characters.");
        }
    }
}
