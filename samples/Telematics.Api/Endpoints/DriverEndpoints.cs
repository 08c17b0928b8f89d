using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Problems;
using Telematics.Api.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Api.Endpoints;

/// <summary>The <c>/drivers</c> group: create, list, read, rename and delete drivers; every write is audited.</summary>
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
            .WithDescription("Stores a driver under a unique external reference (409 when it is taken); audited with the caller and IP.");
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
            .WithSummary("Read one driver.");
        drivers.MapPatch("/{driverId:long}", RenameAsync)
            .RequirePermission(Permission.DriversWrite)
            .WithName("RenameDriver")
            .WithSummary("Change a driver's display name.");
        drivers.MapDelete("/{driverId:long}", DeleteAsync)
            .RequirePermission(Permission.DriversWrite)
            .WithName("DeleteDriver")
            .WithSummary("Delete a driver with its trips, scores and premiums.");
        return drivers;
    }

    private static async Task<Results<Created<DriverResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateDriverRequest request, DriverRepository repository, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var errors = new ValidationErrors();
        CheckText(errors, "externalRef", request.ExternalRef);
        CheckText(errors, "displayName", request.DisplayName);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        try
        {
            var created = await repository.CreateAsync(request.ExternalRef!, request.DisplayName!, Actor(user, http), http.RequestAborted);

            // A read of this id before it existed cached "not found"; drop it.
            await cache.InvalidateAsync([CacheTags.Driver(DriverKey(created.DriverId))], http.RequestAborted);
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
        DriverDirectory directory, ClaimsPrincipal user, HttpContext http, string? name = null, int page = 1, int pageSize = 50)
    {
        var errors = new ValidationErrors();
        if (page < 1)
        {
            errors.Add("page", "page must be 1 or more.");
        }

        if (pageSize is < 1 or > DriverDirectory.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1–{DriverDirectory.MaxPageSize}.");
        }

        if (name is { Length: > MaxTextLength })
        {
            errors.Add("name", $"name must be at most {MaxTextLength} characters.");
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

        var items = await directory.ListAsync(string.IsNullOrEmpty(name) ? null : name, only, page, pageSize, http.RequestAborted);
        return TypedResults.Ok(new DriverPage(page, pageSize, items));
    }

    private static async Task<Results<Ok<DriverResponse>, NotFound>> GetAsync(
        long driverId, DriverRepository repository, ApiCache cache, HttpContext http)
    {
        var key = DriverKey(driverId);
        var driver = await cache.GetOrCreateAsync(
            "drivers:" + key,
            async ct => await repository.GetAsync(driverId, ct) is { } found ? DriverResponse.From(found) : null,
            [CacheTags.Driver(key)],
            http.RequestAborted);
        return driver is null ? TypedResults.NotFound() : TypedResults.Ok(driver);
    }

    private static async Task<Results<Ok<DriverResponse>, NotFound, ValidationProblem>> RenameAsync(
        long driverId, RenameDriverRequest request, DriverRepository repository, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var errors = new ValidationErrors();
        CheckText(errors, "displayName", request.DisplayName);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var renamed = await repository.RenameAsync(driverId, request.DisplayName!, Actor(user, http), http.RequestAborted);
        await cache.InvalidateAsync([CacheTags.Driver(DriverKey(driverId))], http.RequestAborted);
        return renamed is null ? TypedResults.NotFound() : TypedResults.Ok(DriverResponse.From(renamed));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(
        long driverId, DriverRepository repository, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        var deleted = await repository.DeleteAsync(driverId, Actor(user, http), http.RequestAborted);
        await cache.InvalidateAsync([CacheTags.Driver(DriverKey(driverId))], http.RequestAborted);
        return deleted ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    /// <summary>The audit actor of a request: the token subject, prefixed <c>api:</c>, and the client address.</summary>
    internal static AuditActor Actor(ClaimsPrincipal user, HttpContext http) =>
        new("api:" + (user.GetSubject() ?? "unknown"), http.Connection.RemoteIpAddress);

    private static string DriverKey(long driverId) => driverId.ToString(System.Globalization.CultureInfo.InvariantCulture);

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

/// <summary>The body of <c>POST /api/v1/drivers</c>.</summary>
/// <param name="ExternalRef">The insurer's reference for the driver (1–200 characters, unique).</param>
/// <param name="DisplayName">The name shown to people (1–200 characters).</param>
internal sealed record CreateDriverRequest(string? ExternalRef, string? DisplayName);

/// <summary>The body of <c>PATCH /api/v1/drivers/{driverId}</c>.</summary>
/// <param name="DisplayName">The new display name (1–200 characters).</param>
internal sealed record RenameDriverRequest(string? DisplayName);

/// <summary>A driver as the API returns it.</summary>
/// <param name="DriverId">The driver's id (what a driver token's <c>driverId</c> carries).</param>
/// <param name="ExternalRef">The insurer's reference.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="CreatedAt">When the driver was registered (UTC).</param>
/// <param name="UpdatedAt">When the driver was last changed (UTC).</param>
internal sealed record DriverResponse(long DriverId, string ExternalRef, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static DriverResponse From(DriverRecord record) =>
        new(record.DriverId, record.ExternalRef, record.DisplayName, record.CreatedAt, record.UpdatedAt);
}

/// <summary>One page of <c>GET /api/v1/drivers</c>.</summary>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The most items a page holds.</param>
/// <param name="Items">The drivers of the page, by id; fewer than <paramref name="PageSize"/> on the last page.</param>
internal sealed record DriverPage(int Page, int PageSize, IReadOnlyList<DriverResponse> Items);
