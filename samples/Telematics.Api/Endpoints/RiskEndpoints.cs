using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Live;
using Telematics.Api.Problems;
using Telematics.Api.RateLimiting;
using Telematics.Api.Scoring;
using Telematics.Api.Storage;
using Telematics.Features.Schema;
using Telematics.Scoring.Recommendations;
using Telematics.Scoring.Results;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/risk</c> group: a driver's latest score, its breakdown, history, monthly trend and recommendations (cached under
/// <see cref="CacheTags.Driver"/>), and recalculation from stored trip features, one driver or a batch.
/// </summary>
internal static class RiskEndpoints
{
    /// <summary>Days scored when the request names no period.</summary>
    public const int DefaultPeriodDays = 30;

    /// <summary>The longest period a recalculation may cover, days.</summary>
    public const int MaxPeriodDays = 365;

    /// <summary>The most drivers one batch recalculation takes.</summary>
    public const int MaxBatchDrivers = 1000;

    /// <summary>Maps the risk endpoints under <c>/risk</c>.</summary>
    public static RouteGroupBuilder MapRiskEndpoints(this RouteGroupBuilder api)
    {
        var risk = api.MapGroup("/risk").WithTags("Risk").RequireDatabase();

        risk.MapGet("/{driverId:long}/score", GetScoreAsync)
            .RequirePermission(Permission.RiskRead).RequireDriverOwner()
            .WithName("GetRiskScore")
            .WithSummary("The driver's latest risk score.")
            .WithDescription("Score 0–100 with category, model, version, experiment and variant; cached until the driver's next write. 404 when never scored.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        risk.MapGet("/{driverId:long}/breakdown", GetBreakdownAsync)
            .RequirePermission(Permission.RiskRead).RequireDriverOwner()
            .WithName("GetRiskBreakdown")
            .WithSummary("The factors behind the latest score.")
            .WithDescription("Per feature the model uses: name, unit, the driver's value, the population reference and the score points; points sum to score − reference score.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        risk.MapGet("/{driverId:long}/history", GetHistoryAsync)
            .RequirePermission(Permission.RiskRead).RequireDriverOwner()
            .WithName("GetRiskHistory")
            .WithSummary("The driver's scores, newest first, a page at a time.")
            .WithDescription("page from 1, pageSize 1–500 (default 50).")
            .ProducesValidationProblem();
        risk.MapGet("/{driverId:long}/trend", GetTrendAsync)
            .RequirePermission(Permission.RiskRead).RequireDriverOwner()
            .WithName("GetRiskTrend")
            .WithSummary("Mean score per UTC month.")
            .WithDescription("The last `months` months including the current one (1–60, default 12), oldest first; months without scores are left out.")
            .ProducesValidationProblem();
        risk.MapGet("/{driverId:long}/recommendations", GetRecommendationsAsync)
            .RequirePermission(Permission.RiskRead).RequireDriverOwner()
            .WithName("GetRiskRecommendations")
            .WithSummary("Tips from the latest score's largest factors.")
            .WithDescription("Each tip names its factor and sets the driver's figure against the population's; `praise=true` adds one for the best habit.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        risk.MapPost("/{driverId:long}/recalculate", RecalculateAsync)
            .RequirePermission(Permission.RiskBatch)
            .WithName("RecalculateRisk")
            .WithSummary("Score the driver again from stored trips and price the premium.")
            .WithDescription("Period: the last `periodDays` days (1–365, default 30), up to now or, with `periodEnd=YYYY-MM-DD` (a UTC date not after today), " +
                "up to that date's start: a past policy year can be scored. Writes the score, the premium and an audit row in one transaction. " +
                "422 (no-trips-in-period) when the driver has no trips in the period; 404 for an unknown driver.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        risk.MapPost("/batch-calculate", BatchCalculateAsync)
            .RequirePermission(Permission.RiskBatch)
            .RequireRateLimiting(RateLimitPolicies.Batch)
            .WithName("BatchCalculateRisk")
            .WithSummary("Score up to 1000 drivers from stored trips.")
            .WithDescription("Body `{\"driverIds\": [1, 2], \"periodDays\": 30, \"periodEnd\": null}` (`periodEnd`, a UTC date not after today, ends the period at its start, as for a recalculation). " +
                "Scores, premiums and one audit row in one transaction; returns count, " +
                "failures with the driver and reason, mean, p50/p95 and counts by category, model version and variant.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return risk;
    }

    /// <summary>The cache key part and tag of a driver.</summary>
    internal static string Key(long driverId) => driverId.ToString(CultureInfo.InvariantCulture);

    private static async Task<Results<Ok<RiskScoreResponse>, ProblemHttpResult>> GetScoreAsync(long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http)
    {
        var score = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"risk:score:{driverId}"),
            async ct => await reader.LatestAsync(driverId, ct) is { } latest ? RiskScoreResponse.From(latest) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return score is null ? NoScore(driverId) : TypedResults.Ok(score);
    }

    private static async Task<Results<Ok<BreakdownResponse>, ProblemHttpResult>> GetBreakdownAsync(long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http)
    {
        var breakdown = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"risk:breakdown:{driverId}"),
            async ct => await reader.LatestAsync(driverId, ct) is { } latest ? Breakdown(latest) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return breakdown is null ? NoScore(driverId) : TypedResults.Ok(breakdown);
    }

    private static async Task<Results<Ok<ScorePage>, ValidationProblem>> GetHistoryAsync(
        long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http, int page = 1, int pageSize = 50)
    {
        var errors = Paging.Check(page, pageSize);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var items = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"risk:history:{driverId}:{page}:{pageSize}"),
            async ct => (await reader.ScoresAsync(driverId, page, pageSize, ct)).Select(RiskScoreResponse.From).ToArray(),
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return TypedResults.Ok(new ScorePage(page, pageSize, items));
    }

    private static async Task<Results<Ok<TrendResponse>, ValidationProblem>> GetTrendAsync(
        long driverId, ScoreRepository scores, ApiCache cache, TimeProvider time, HttpContext http, int months = 12)
    {
        if (months is < 1 or > 60)
        {
            return new ValidationErrors().Add("months", "months must be 1–60.").ToProblem();
        }

        var now = time.GetUtcNow();
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var from = thisMonth.AddMonths(1 - months);
        var to = thisMonth.AddMonths(1);
        var points = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"risk:trend:{driverId}:{from:yyyy-MM}:{months}"),
            async ct => (await scores.TrendAsync(driverId, from, to, ct)).Select(p => new TrendPoint(p.MonthStart, p.MeanScore, p.Count)).ToArray(),
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return TypedResults.Ok(new TrendResponse(driverId, points));
    }

    private static async Task<Results<Ok<RecommendationsResponse>, ProblemHttpResult>> GetRecommendationsAsync(
        long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http, bool praise = false)
    {
        var tips = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"risk:recommendations:{driverId}:{praise}"),
            async ct => await reader.LatestAsync(driverId, ct) is { } latest ? Recommend(latest, praise) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return tips is null ? NoScore(driverId) : TypedResults.Ok(tips);
    }

    private static async Task<Results<Ok<RecalculateResponse>, ValidationProblem, ProblemHttpResult>> RecalculateAsync(
        long driverId, StoredDriverScorer scorer, ApiCache cache, LiveUpdates live, TimeProvider time, ClaimsPrincipal user, HttpContext http, ILogger<StoredDriverScorer> logger,
        int periodDays = DefaultPeriodDays, DateOnly? periodEnd = null)
    {
        var errors = new ValidationErrors();
        var (from, to) = ScoredPeriod(periodDays, periodEnd, time.GetUtcNow(), errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await scorer.ScoreDriverAsync(driverId, from, to, user.AuditActor(http), http.RequestAborted);
        switch (outcome.Status)
        {
            case DriverScoreStatus.UnknownDriver:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such driver.", detail: outcome.Reason);
            case DriverScoreStatus.NoTrips:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.NoTripsInPeriod,
                    title: "No trips in the period.", detail: outcome.Reason);
            case DriverScoreStatus.Failed:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The model could not score the driver.", detail: outcome.Reason);
        }

        await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]);
        await live.ScoredAsync(outcome);
        var score = outcome.Score!;
        RiskLog.Rescored(logger, driverId, periodDays, score.Score, score.ModelName, score.ModelVersion);
        var quote = outcome.Quote!;
        return TypedResults.Ok(new RecalculateResponse(
            new RiskScoreResponse(
                driverId, outcome.ScoreId, score.Score, score.Category.ToWireName(), score.RawOutput, score.ModelName, score.ModelVersion,
                score.Experiment?.Experiment, score.Experiment?.Variant, score.ReferenceScore, outcome.ScoredAt, from, to,
                StoredReal.Of(score.OutOfRangeShare), RiskScoreResponse.ConfidenceName(score.Confidence), ScoreIntervalResponse.From(score.Interval),
                StoredReal.Of(outcome.ObservedDays)),
            new PremiumResponse(outcome.PremiumId, driverId, outcome.ScoreId, outcome.ScoredAt, quote.Currency, quote.Steps[0].Value, quote.Premium),
            outcome.TripCount,
            outcome.AnnualKm));
    }

    // The period a recalculation or a batch scores: periodDays (1–365) up to now, in whole microseconds as the stored period
    // keeps them (so an answer equals a later read), or up to the start of periodEnd, a UTC date not after today, for a past
    // policy year. What is out of range is added to errors, and the period is then not to be used.
    private static (DateTimeOffset From, DateTimeOffset To) ScoredPeriod(int periodDays, DateOnly? periodEnd, DateTimeOffset now, ValidationErrors errors)
    {
        var daysValid = periodDays is >= 1 and <= MaxPeriodDays;
        if (!daysValid)
        {
            errors.Add("periodDays", $"periodDays must be 1–{MaxPeriodDays}.");
        }

        if (periodEnd is { } late && late > DateOnly.FromDateTime(now.UtcDateTime))
        {
            errors.Add("periodEnd", "periodEnd must be a UTC date not after today (YYYY-MM-DD); leave it out to end the period now.");
        }
        else if (periodEnd is { } early && early < DayPeriod.EarliestDay)
        {
            // Events before it are refused at ingest, and the day arithmetic below must stay far from DateTime.MinValue.
            errors.Add("periodEnd", string.Create(CultureInfo.InvariantCulture, $"periodEnd must be a day from {DayPeriod.EarliestDay:yyyy-MM-dd} to today."));
            return (default, default);
        }

        var to = periodEnd is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : PostgresTimestamp.StoredPrecision(now);
        return (daysValid ? to.AddDays(-periodDays) : to, to);
    }

    private static async Task<Results<Ok<BatchSummaryResponse>, ValidationProblem>> BatchCalculateAsync(
        BatchCalculateRequest request, StoredDriverScorer scorer, ApiCache cache, LiveUpdates live, TimeProvider time, ClaimsPrincipal user, HttpContext http, ILogger<StoredDriverScorer> logger)
    {
        var errors = new ValidationErrors();
        var ids = request.DriverIds;
        if (ids is null || ids.Length is < 1 or > MaxBatchDrivers)
        {
            errors.Add("driverIds", $"driverIds must hold 1–{MaxBatchDrivers} driver ids.");
        }
        else if (Array.FindIndex(ids, id => id < 1) is var bad and >= 0)
        {
            errors.Add("driverIds", $"driverIds[{bad}] must be a positive driver id.");
        }

        var periodDays = request.PeriodDays ?? DefaultPeriodDays;
        var (from, to) = ScoredPeriod(periodDays, request.PeriodEnd, time.GetUtcNow(), errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var result = await scorer.ScoreDriversAsync(ids!, from, to, user.AuditActor(http), http.RequestAborted);
        var tags = new List<string>(result.Outcomes.Count + 1) { CacheTags.Dashboards };
        foreach (var outcome in result.Outcomes)
        {
            if (outcome.Status == DriverScoreStatus.Scored)
            {
                tags.Add(CacheTags.Driver(outcome.DriverId));
            }
        }

        await cache.InvalidateAsync(tags);
        foreach (var outcome in result.Outcomes)
        {
            await live.ScoredAsync(outcome);
        }

        var summary = BatchSummaryResponse.From(result);
        RiskLog.BatchScored(logger, summary.Count, periodDays, summary.Scored, summary.Failures.Count);
        return TypedResults.Ok(summary);
    }

    /// <summary>The 404 for a driver that has no stored score (or does not exist: the two are not told apart).</summary>
    internal static ProblemHttpResult NoScore(long driverId) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No score.",
            detail: string.Create(CultureInfo.InvariantCulture, $"Driver {driverId} has no stored risk score; POST /api/v1/risk/{driverId}/recalculate scores it."));

    private static BreakdownResponse Breakdown(StoredScore stored)
    {
        var record = stored.Record;
        var factors = new List<FactorResponse>();
        var schema = TelematicsFeatures.Schema.Features;
        for (var i = 0; i < schema.Length && i < record.Contributions.Length && i < record.Features.Length; i++)
        {
            if (stored.Reference is { } reference && i < reference.Length && float.IsFinite(reference[i]))
            {
                var value = record.Features[i];
                factors.Add(new FactorResponse(
                    schema[i].Name, schema[i].Unit, schema[i].Description, float.IsFinite(value) ? value : null, reference[i], float.IsFinite(record.Contributions[i]) ? record.Contributions[i] : 0));
            }
        }

        factors.Sort(static (a, b) => Math.Abs(b.Points).CompareTo(Math.Abs(a.Points)));
        return new BreakdownResponse(RiskScoreResponse.From(stored), factors);
    }

    private static RecommendationsResponse Recommend(StoredScore stored, bool praise)
    {
        var record = stored.Record;
        var contributions = new Dictionary<string, double>(StringComparer.Ordinal);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var population = new Dictionary<string, PopulationFigure>(StringComparer.Ordinal);
        var schema = TelematicsFeatures.Schema.Features;
        for (var i = 0; i < schema.Length && i < record.Contributions.Length && i < record.Features.Length; i++)
        {
            if (stored.Reference is { } reference && i < reference.Length && float.IsFinite(reference[i]))
            {
                contributions[schema[i].Name] = record.Contributions[i];
                values[schema[i].Name] = record.Features[i];
                population[schema[i].Name] = new PopulationFigure(reference[i], double.NaN);
            }
        }

        var tips = Recommender.Recommend(contributions, values, population, new RecommendationOptions { IncludePraise = praise });
        return new RecommendationsResponse(record.DriverId, record.ScoreId, tips.Select(t => new RecommendationResponse(
            t.Feature, t.Kind == RecommendationKind.Praise ? "praise" : "improve", t.Contribution,
            double.IsFinite(t.DriverValue) ? t.DriverValue : null, double.IsFinite(t.PopulationValue) ? t.PopulationValue : null, t.Text)).ToArray());
    }
}

/// <summary>Page checks shared by the risk and pricing lists.</summary>
internal static class Paging
{
    /// <summary>Errors for a page below 1 or a page size outside 1–<see cref="StoredScoreReader.MaxPageSize"/>.</summary>
    public static ValidationErrors Check(int page, int pageSize)
    {
        var errors = new ValidationErrors();
        if (page < 1)
        {
            errors.Add("page", "page must be 1 or more.");
        }

        if (pageSize is < 1 or > StoredScoreReader.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be 1–{StoredScoreReader.MaxPageSize}.");
        }

        return errors;
    }
}
