using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Live;
using Telematics.Api.Problems;
using Telematics.Api.Scoring;
using Telematics.Api.Storage;
using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/pricing</c> group: the current premium, its breakdown and history (cached under <see cref="CacheTags.Driver"/>),
/// re-pricing from the latest score, and what-if simulations that store nothing.
/// </summary>
internal static class PricingEndpoints
{
    // Position of distance_km in a stored score's telematics@1 vector.
    private static readonly int DistanceIndex = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm);

    /// <summary>Maps the pricing endpoints under <c>/pricing</c>.</summary>
    public static RouteGroupBuilder MapPricingEndpoints(this RouteGroupBuilder api)
    {
        var pricing = api.MapGroup("/pricing").WithTags("Pricing").RequireDatabase();

        pricing.MapGet("/{driverId:long}/current", GetCurrentAsync)
            .RequirePermission(Permission.PricingRead).RequireDriverOwner()
            .WithName("GetCurrentPremium")
            .WithSummary("The driver's current annual premium.")
            .WithDescription("The newest stored premium; 404 when the driver was never priced.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        pricing.MapGet("/{driverId:long}/breakdown", GetBreakdownAsync)
            .RequirePermission(Permission.PricingRead).RequireDriverOwner()
            .WithName("GetPremiumBreakdown")
            .WithSummary("How the current premium was reached.")
            .WithDescription("Plan, score, annual km, the driver's cell (region, age band, vehicle class) and every step: base rate, age and vehicle " +
                "relativities, risk multiplier or frequency relativity (credibility, cap), mileage factor, discounts, cap, rounding, floor or ceiling.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        pricing.MapGet("/{driverId:long}/history", GetHistoryAsync)
            .RequirePermission(Permission.PricingRead).RequireDriverOwner()
            .WithName("GetPremiumHistory")
            .WithSummary("The driver's premiums, newest first, a page at a time.")
            .WithDescription("page from 1, pageSize 1–500 (default 50).")
            .ProducesValidationProblem();
        pricing.MapPost("/{driverId:long}/recalculate", RecalculateAsync)
            .RequirePermission(Permission.PricingWrite)
            .WithName("RecalculatePremium")
            .WithSummary("Price the latest stored score again.")
            .WithDescription("Uses the configured plan and the driver's current region; stores the premium with an audit row. 404 when the driver has no stored score; 409 when the plan cannot price that score (a frequency relativity for a score whose model is not a served frequency model): recalculate the risk score first.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        pricing.MapPost("/{driverId:long}/simulate", SimulateAsync)
            .RequirePermission(Permission.PricingWrite)
            .WithName("SimulatePremium")
            .WithSummary("What the premium would be with other figures; nothing is stored.")
            .WithDescription("Body `{\"features\": {\"night_share\": 0.01}, \"score\": 40, \"annualKm\": 8000, \"region\": \"FR-75\", \"ageBand\": \"under25\", \"vehicleClass\": \"small\"}`, every field optional " +
                "(region, ageBand and vehicleClass replace the driver's classical cell). " +
                "Changed features re-score the driver with the served model unless a score is given; a changed distance_km also moves the mileage factor. " +
                "Unknown feature names are a validation error naming them; 409 when the plan cannot price the stored score (a frequency relativity for a score whose model is not a served frequency model).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return pricing;
    }

    private static async Task<Results<Ok<PremiumResponse>, ProblemHttpResult>> GetCurrentAsync(long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http)
    {
        var current = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"pricing:current:{driverId}"),
            async ct => (await reader.PremiumsAsync(driverId, 1, 1, ct)) is [var latest] ? PremiumResponse.From(latest) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return current is null ? NoPremium(driverId) : TypedResults.Ok(current);
    }

    private static async Task<Results<Ok<PremiumBreakdownResponse>, ProblemHttpResult>> GetBreakdownAsync(long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http)
    {
        var breakdown = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"pricing:breakdown:{driverId}"),
            async ct => (await reader.PremiumsAsync(driverId, 1, 1, ct)) is [var latest] ? WithBreakdown(latest) : null,
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return breakdown is null ? NoPremium(driverId) : TypedResults.Ok(breakdown);
    }

    private static async Task<Results<Ok<PremiumPage>, ValidationProblem>> GetHistoryAsync(
        long driverId, StoredScoreReader reader, ApiCache cache, HttpContext http, int page = 1, int pageSize = 50)
    {
        var errors = Paging.Check(page, pageSize);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var items = await cache.GetOrCreateAsync(
            string.Create(CultureInfo.InvariantCulture, $"pricing:history:{driverId}:{page}:{pageSize}"),
            async ct => (await reader.PremiumsAsync(driverId, page, pageSize, ct)).Select(PremiumResponse.From).ToArray(),
            [CacheTags.Driver(driverId)],
            http.RequestAborted);
        return TypedResults.Ok(new PremiumPage(page, pageSize, items));
    }

    private static async Task<Results<Ok<PremiumBreakdownResponse>, ProblemHttpResult>> RecalculateAsync(
        long driverId, StoredDriverScorer scorer, ApiCache cache, LiveUpdates live, ClaimsPrincipal user, HttpContext http, ILogger<StoredDriverScorer> logger)
    {
        PremiumRecord? premium;
        try
        {
            premium = await scorer.RepriceLatestAsync(driverId, user.AuditActor(http), http.RequestAborted);
        }
        catch (PricingPlanException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The latest score cannot be priced by this plan.", detail: e.Message);
        }

        if (premium is null)
        {
            return RiskEndpoints.NoScore(driverId);
        }

        await cache.InvalidateAsync([CacheTags.Driver(driverId), CacheTags.Dashboards]);
        await live.PremiumUpdatedAsync(premium);
        RiskLog.Repriced(logger, driverId, premium.FinalAmount, premium.Currency);
        return TypedResults.Ok(WithBreakdown(premium));
    }

    private static async Task<Results<Ok<SimulateResponse>, ValidationProblem, ProblemHttpResult>> SimulateAsync(
        long driverId, SimulateRequest request, StoredDriverScorer scorer, StoredScoreReader reader, ExperimentScorer experiments, HttpContext http)
    {
        var schema = TelematicsFeatures.Schema;
        var errors = new ValidationErrors();
        foreach (var (name, value) in request.Features ?? [])
        {
            if (!schema.TryGetIndex(name, out _))
            {
                errors.Add("features." + name, $"Unknown feature '{name}'; schema {schema} has: {string.Join(", ", FeatureNames(schema))}.");
            }
            else if (FeatureValueProblem(name, value) is { } problem)
            {
                errors.Add("features." + name, problem);
            }
        }

        if (request.Score is { } given && (!double.IsFinite(given) || given is < 0 or > 100))
        {
            errors.Add("score", "score must be 0–100.");
        }

        if (request.AnnualKm is { } km && (!double.IsFinite(km) || km is < 0 or > MaxAnnualKm))
        {
            errors.Add("annualKm", "annualKm must be 0–1 000 000 km.");
        }

        if (request.ObservedDays is { } days && (!double.IsFinite(days) || days is < 1 or > MaxObservedDays))
        {
            errors.Add("observedDays", "observedDays must be 1–3 660 days.");
        }

        if (request.Region is { } region && !DriverFields.IsRegion(region))
        {
            errors.Add("region", "region must be a code such as FR-75 (two capital letters, optionally '-' and 1–3 letters or digits).");
        }
        else if (request.Region is { } planRegion && !scorer.Plan.RegionBaseRates.ContainsKey(planRegion))
        {
            // As a driver's region is checked when stored: a what-if in a region the plan does not price would quote the default base rate under its name.
            errors.Add("region", $"region '{planRegion}' is not a region of the pricing plan '{scorer.Plan.Name}' ({string.Join(", ", scorer.Plan.RegionBaseRates.Keys.Order(StringComparer.Ordinal))}); leave it out for the driver's own.");
        }

        if (request.AgeBand is { } ageBand && !RatingFactorCodes.IsAgeBand(ageBand))
        {
            errors.Add("ageBand", $"ageBand must be one of {string.Join(", ", RatingFactorCodes.AgeBands)}.");
        }

        if (request.VehicleClass is { } vehicleClass && !RatingFactorCodes.IsVehicleClass(vehicleClass))
        {
            errors.Add("vehicleClass", $"vehicleClass must be one of {string.Join(", ", RatingFactorCodes.VehicleClasses)}.");
        }

        var (exists, storedCell) = await reader.RatingCellAsync(driverId, http.RequestAborted);
        if (!exists)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such driver.");
        }

        var latest = await reader.LatestAsync(driverId, http.RequestAborted);
        if (latest is null && request.AnnualKm is null)
        {
            errors.Add("annualKm", "annualKm is required: the driver has no stored score to take the distance from.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // Without a stored score the vector starts as "missing" (NaN), which the model scores as the population's typical value.
        var vector = latest is not null && latest.Record.Features.Length == schema.Count ? latest.Record.Features.ToArray() : Enumerable.Repeat(float.NaN, schema.Count).ToArray();
        foreach (var (name, value) in request.Features ?? [])
        {
            vector[schema.IndexOf(name)] = (float)value;
        }

        var rescored = request.Score is null && (latest is null || request.Features is { Count: > 0 });
        // The window the vector's totals cover (for the model's per-week and per-year features), and the days credited,
        // which a what-if may set apart: more data changes the credibility, not the driving.
        var windowDays = ObservedDays(latest?.Record, vector, request.AnnualKm);
        var creditedDays = request.ObservedDays ?? windowDays;
        RiskScore? rescoredScore;
        try
        {
            rescoredScore = request.Score is null && rescored
                ? experiments.Score(new ScoreRequest { DriverId = RiskEndpoints.Key(driverId), Features = vector, ObservedDays = windowDays, IncludeContributions = false }, scorer.Experiment)
                : null;
        }
        catch (ArgumentException e)
        {
            // A vector that shows no driving, for instance: the features as given cannot be scored.
            errors.Add("features", e.Message);
            return errors.ToProblem();
        }
        catch (ModelScoringException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The model could not score these features.", detail: e.Message);
        }

        var score = request.Score ?? rescoredScore?.Score ?? latest!.Record.Score;
        // A model frequency exists only when the model scored (now or when stored); a given score has none.
        // The distance is the vector's, so a what-if of distance_km moves the mileage factor with the model's score.
        var annualKm = request.AnnualKm ?? PremiumCalculator.AnnualiseKm(vector[DistanceIndex], latest!.Record.ObservedOrPeriodDays);
        if (annualKm > MaxAnnualKm)
        {
            // The bound annualKm has when given, applied to the distance it is derived from.
            errors.Add("features." + TelematicsFeatures.DistanceKm, string.Create(CultureInfo.InvariantCulture, $"{TelematicsFeatures.DistanceKm} annualises to {annualKm:G4} km a year; at most 1 000 000."));
            return errors.ToProblem();
        }

        var cell = new RatingCell(request.Region ?? storedCell.Region, request.AgeBand ?? storedCell.AgeBand, request.VehicleClass ?? storedCell.VehicleClass);
        PremiumQuote quote;
        try
        {
            // A model frequency exists only when the model scored (now or when stored); a given score has none.
            if (request.Score is not null)
            {
                quote = PremiumCalculator.Calculate(scorer.Plan, score, annualKm, cell, TelematicsFeatures.Schema, vector);
            }
            else
            {
                var frequency = rescoredScore is not null ? ModelFrequency.Of(rescoredScore, vector, creditedDays) : scorer.FrequencyOf(latest!.Record, vector, creditedDays);
                quote = scorer.Price(score, frequency, vector, annualKm, cell);
            }
        }
        catch (ArgumentException e)
        {
            // A given score the plan cannot take, or a rescored vector the premium calculator refuses: named by what the caller sent.
            errors.Add(request.Score is not null ? "score" : "features", e.Message);
            return errors.ToProblem();
        }
        catch (PricingPlanException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The score cannot be priced by this plan.", detail: e.Message);
        }

        var current = await reader.PremiumsAsync(driverId, 1, 1, http.RequestAborted);
        using var breakdown = JsonDocument.Parse(PremiumBreakdownJson.Write(quote, score, annualKm, cell));
        return TypedResults.Ok(new SimulateResponse(
            score, RiskCategories.FromScore(score).ToWireName(), rescored, annualKm, cell.Region, quote.Premium, quote.Currency,
            current is [var now] ? now.FinalAmount : null, breakdown.RootElement.Clone()));
    }

    // Every feature is a count, total, mean or rate, never negative; shares are fractions and phone use is minutes per hour.
    private static string? FeatureValueProblem(string name, double value) =>
        !double.IsFinite(value) || Math.Abs(value) > float.MaxValue ? $"{name} must be a finite number."
        : value < 0 ? $"{name} must be 0 or more."
        : name.EndsWith("_share", StringComparison.Ordinal) && value > 1 ? $"{name} is a share: 0–1."
        : name == TelematicsFeatures.PhoneMinutesPerHour && value > 60 ? $"{name} is minutes per hour: 0–60."
        : null;

    private static PremiumBreakdownResponse WithBreakdown(PremiumRecord premium)
    {
        using var document = JsonDocument.Parse(premium.BreakdownJson);
        return new PremiumBreakdownResponse(PremiumResponse.From(premium), document.RootElement.Clone());
    }

    private static ProblemHttpResult NoPremium(long driverId) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "No premium.",
            detail: string.Create(CultureInfo.InvariantCulture, $"Driver {driverId} has no stored premium; POST /api/v1/risk/{driverId}/recalculate prices one."));

    private static IEnumerable<string> FeatureNames(FeatureSchema schema)
    {
        foreach (var feature in schema.Features.ToArray())
        {
            yield return feature.Name;
        }
    }

    // Ten years: the longest what-if of days of data (a year of data already earns most of the credibility).
    private const double MaxObservedDays = 3660;

    // A year's driving a what-if may price: far past any car's, short of numbers no plan band was meant for.
    private const double MaxAnnualKm = 1_000_000;

    // The window a rescored vector covers: the days the stored score's driver was observed; without a score, a year, the
    // distance then being the annual km asked for.
    private static double ObservedDays(RiskScoreRecord? latest, float[] vector, double? annualKm)
    {
        if (latest is not null)
        {
            return latest.ObservedOrPeriodDays;
        }

        if (float.IsNaN(vector[DistanceIndex]) && annualKm is { } km)
        {
            vector[DistanceIndex] = (float)km;
        }

        return TelematicsFeaturesV2.DaysPerYear;
    }
}
