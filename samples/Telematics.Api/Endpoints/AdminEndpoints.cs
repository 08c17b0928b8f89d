using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Telematics.Api.Administration;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Dashboard;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/admin</c> group: book dashboards (<c>dashboard:read</c>, admin and analyst, cached under
/// <see cref="CacheTags.Dashboards"/>), and for the admin role only the audit log and its verification (<c>audit:read</c>)
/// and the event partitions (<c>admin:read</c>).
/// </summary>
internal static class AdminEndpoints
{
    private const int MaxFilterLength = 400;

    /// <summary>Maps the admin endpoints under <c>/admin</c>.</summary>
    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Admin").RequireDatabase();
        const string PeriodHelp = " Period: the UTC days from–to, both included (ISO dates 2000-01-01 to 2100-12-31; default the last 30 days, at most 366; 400 naming the field otherwise).";

        admin.MapGet("/dashboard/summary", GetSummaryAsync)
            .RequirePermission(Permission.DashboardRead)
            .WithName("GetDashboardSummary")
            .WithSummary("Book summary over a period: drivers, trips, km, scored drivers, mean score, premiums.")
            .WithDescription("Drivers is everyone registered now; trips and km are trips started in the period; the mean is over each scored " +
                "driver's latest score in the period; premiums sum each driver's latest premium in the period, per currency." + PeriodHelp);
        admin.MapGet("/dashboard/risk-distribution", GetRiskDistributionAsync)
            .RequirePermission(Permission.DashboardRead)
            .WithName("GetRiskDistribution")
            .WithSummary("Histogram of the drivers' latest scores in a period, in ten-point buckets, and counts by category.")
            .WithDescription("Each driver counts once, with its latest score in the period." + PeriodHelp);
        admin.MapGet("/dashboard/trip-activity", GetTripActivityAsync)
            .RequirePermission(Permission.DashboardRead)
            .WithName("GetTripActivity")
            .WithSummary("Trips and kilometres per UTC day over a period, days without trips included.")
            .WithDescription("A trip counts on the UTC day it started." + PeriodHelp);
        admin.MapGet("/dashboard/drivers", ListBookDriversAsync)
            .RequirePermission(Permission.DashboardRead)
            // Not an aggregate: names, external refs and premiums per driver are personal data, as on GET /drivers.
            .RequirePermission(Permission.DriversRead)
            .WithName("ListBookDrivers")
            .WithSummary("The book's drivers with each one's latest score, category and interval, premium and trip; searchable, sortable, paged.")
            .WithDescription("name: part of the display name (case-insensitive); sort: id (default), name, score, premium or lastTrip; " +
                "order: asc (default) or desc, drivers without the value last either way; page from 1; pageSize 1–200 (default 20). " +
                "total counts the drivers matching the name. interval is the latest score's (null without one); when not settled its category is provisional. " +
                "Not cached: it follows every write. Lists personal data (names, external refs, premiums): needs drivers:read as well as dashboard:read.");
        admin.MapGet("/audit", ListAuditAsync)
            .RequirePermission(Permission.AuditRead)
            .WithName("ListAudit")
            .WithSummary("Page through the audit log, newest first, filtered by action, resource, actor and time.")
            .WithDescription("Filters are exact (action=model.promote, resource=driver/12, actor=api:alice); from (inclusive) and to " +
                "(exclusive) are ISO instants. Keyset paging: pageSize 1–500 (default 50); the next page is after=<nextAfter of this " +
                "page>, and nextAfter is null on the last page. Rows appended meanwhile never shift a page.");
        admin.MapPost("/audit/verify", VerifyAuditAsync)
            .RequirePermission(Permission.AuditRead)
            .RequireRateLimiting(RateLimitPolicies.Batch)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("VerifyAudit")
            .WithSummary("Recompute the audit hash chain and check the signed anchors; names the first broken row.")
            .WithDescription("Reads the whole log (rate limited like batch work). With Audit:AnchorPublicKeyPath configured, every anchor's " +
                "signature and head are checked too (anchorsTrusted true); without it only the chain is. 200 with intact=false when broken.");
        admin.MapGet("/partitions", ListPartitionsAsync)
            .RequirePermission(Permission.AdminRead)
            .WithName("ListPartitions")
            .WithSummary("List the monthly partitions of the events table with their exact row counts and sizes.")
            .WithDescription("Months in order, DEFAULT last. Counting reads every partition: an operator's view, not for polling.");
        return admin;
    }

    private static async Task<Results<Ok<DashboardSummaryResponse>, ValidationProblem>> GetSummaryAsync(
        DashboardQueries queries, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var response = await cache.GetOrCreateAsync(
            "admin:dashboard:summary:" + period.Key,
            async ct => DashboardSummaryResponse.Create(period, await queries.ReadSummaryAsync(period.Start, period.End, ct)),
            [CacheTags.Dashboards],
            http.RequestAborted);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<RiskDistributionResponse>, ValidationProblem>> GetRiskDistributionAsync(
        DashboardQueries queries, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var response = await cache.GetOrCreateAsync(
            "admin:dashboard:risk-distribution:" + period.Key,
            async ct => RiskDistributionResponse.Create(period, await queries.ReadRiskDistributionAsync(period.Start, period.End, ct)),
            [CacheTags.Dashboards],
            http.RequestAborted);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<TripActivityResponse>, ValidationProblem>> GetTripActivityAsync(
        DashboardQueries queries, ApiCache cache, TimeProvider time, HttpContext http, DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        var response = await cache.GetOrCreateAsync(
            "admin:dashboard:trip-activity:" + period.Key,
            async ct => new TripActivityResponse(period.From, period.To, await queries.ReadTripActivityAsync(period.Start, period.End, ct)),
            [CacheTags.Dashboards],
            http.RequestAborted);
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<BookDriverPageResponse>, ValidationProblem>> ListBookDriversAsync(
        DashboardQueries queries, HttpContext http, string? name = null, string? sort = null, string? order = null, int page = 1, int pageSize = 20)
    {
        var errors = new ValidationErrors();
        BookDriverSort? parsed = sort switch
        {
            null or "id" => BookDriverSort.Id,
            "name" => BookDriverSort.Name,
            "score" => BookDriverSort.Score,
            "premium" => BookDriverSort.Premium,
            "lastTrip" => BookDriverSort.LastTrip,
            _ => null,
        };
        if (parsed is null)
        {
            errors.Add("sort", "sort must be one of id, name, score, premium, lastTrip.");
        }

        if (order is not (null or "asc" or "desc"))
        {
            errors.Add("order", "order must be asc or desc.");
        }

        if (page < 1)
        {
            errors.Add("page", "page must be 1 or more.");
        }

        if (pageSize is < 1 or > DashboardQueries.MaxDriverPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1 to {DashboardQueries.MaxDriverPageSize}.");
        }

        if (name is not null && (name.Length > 200 || name.Any(char.IsControl)))
        {
            errors.Add("name", "name must be at most 200 characters without control characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var result = await queries.ListDriversAsync(
            new BookDriverQuery(string.IsNullOrWhiteSpace(name) ? null : name.Trim(), parsed!.Value, order == "desc", page, pageSize), http.RequestAborted);
        return TypedResults.Ok(BookDriverPageResponse.From(page, pageSize, result));
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAuditAsync(
        AuditReader reader, HttpContext http, string? action = null, string? resource = null, string? actor = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? after = null, int pageSize = 50, int? page = null)
    {
        var errors = new ValidationErrors();
        CheckFilter(errors, "action", action);
        CheckFilter(errors, "resource", resource);
        CheckFilter(errors, "actor", actor);
        if (from is { } f && to is { } t && t <= f)
        {
            errors.Add("to", "to must be after from.");
        }

        if (after is < 1)
        {
            errors.Add("after", "after must be the nextAfter of a previous page (1 or more).");
        }

        if (page is not null)
        {
            // The offset parameter is gone rather than ignored: a client still sending it would otherwise get page 1 again.
            errors.Add("page", "page is no longer supported: pass after=<nextAfter of the previous page>, or nothing for the newest rows.");
        }

        if (pageSize is < 1 or > AuditReader.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1–{AuditReader.MaxPageSize}.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var rows = await reader.ReadAfterAsync(new AuditFilter(action, resource, actor, from, to), after, pageSize, http.RequestAborted);
        return TypedResults.Ok(new AuditPage(pageSize, after, rows.NextAfterSeq, [.. rows.Items.Select(AuditEntryResponse.From)]));
    }

    private static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> VerifyAuditAsync(
        AuditLog audit, AuditAnchorSettings anchoring, ClaimsPrincipal user, HttpContext http, ILoggerFactory loggers)
    {
        var (provider, problem) = anchoring.VerificationKey();
        if (problem is not null)
        {
            AdminLog.AuditKeyUnusable(loggers.CreateLogger("Telematics.Api.Admin"), problem);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit verification key is unavailable.",
                detail: "The audit anchor key configured for verification cannot be used; the host log says why.");
        }

        AuditVerification verdict;
        try
        {
            verdict = await audit.VerifyAsync(
                new AuditVerifyOptions { Key = provider, Journal = anchoring.Journal, MaxUnanchoredAge = anchoring.MaxUnanchoredAge }, http.RequestAborted);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
        {
            AdminLog.AuditJournalUnreadable(loggers.CreateLogger("Telematics.Api.Admin"), unreadable.Message);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit anchor journal cannot be read.",
                detail: "The anchor journal configured for verification (Audit:AnchorJournalPath) cannot be read; the host log says why.");
        }

        AdminLog.AuditVerified(loggers.CreateLogger("Telematics.Api.Admin"), user.AuditActor(http).Name, verdict.ToString());
        return TypedResults.Ok(AuditVerificationResponse.From(verdict, anchorsTrusted: provider is not null));
    }

    private static async Task<Ok<IReadOnlyList<PartitionResponse>>> ListPartitionsAsync(PartitionManager partitions, HttpContext http)
    {
        var list = await partitions.ListAsync(http.RequestAborted);
        return TypedResults.Ok<IReadOnlyList<PartitionResponse>>([.. list.Select(PartitionResponse.From)]);
    }

    private static void CheckFilter(ValidationErrors errors, string field, string? value)
    {
        if (value is not null && (value.Length is 0 or > MaxFilterLength || value.Any(char.IsControl)))
        {
            errors.Add(field, $"{field} must be 1–{MaxFilterLength} characters without control characters.");
        }
    }
}
