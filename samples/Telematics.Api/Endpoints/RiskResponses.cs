using System.Globalization;

using Telematics.Scoring.Batch;
using Telematics.Scoring.Results;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Api.Endpoints;

/// <summary>A stored risk score as the API returns it.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="ScoreId">The stored score's id.</param>
/// <param name="Score">Risk score, 0–100, higher is riskier.</param>
/// <param name="Category">Band: excellent (≤20), good (≤40), average (≤60), below_average (≤80), high.</param>
/// <param name="RawOutput">The model's raw output before calibration.</param>
/// <param name="Model">Model name.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="Experiment">A/B experiment, or null.</param>
/// <param name="Variant">A/B variant, or null.</param>
/// <param name="ReferenceScore">Score of the population's typical driver under the same model; null for old rows.</param>
/// <param name="ScoredAt">When it was scored (UTC).</param>
/// <param name="PeriodStart">Inclusive start of the scored period.</param>
/// <param name="PeriodEnd">Exclusive end of the scored period.</param>
/// <param name="OutOfRangeShare">Share (0–1) of the driver's model inputs outside the model's training ranges; null when the model records none.</param>
/// <param name="Confidence"><c>high</c> (none outside), <c>medium</c> (under a quarter), <c>low</c> (a quarter or more: the model extrapolates) or <c>unknown</c>.</param>
/// <param name="Interval">Where the driver's long-run score lies given the trips scored; null when the model records no sampling noise.</param>
/// <param name="ObservedDays">
/// Days of the period the driver was observed (from its first stored trip when that lies inside the period), which pricing
/// credits and annualises the distance over; null for scores stored before it was kept, whose whole period counts.
/// </param>
internal sealed record RiskScoreResponse(
    long DriverId, long ScoreId, double Score, string Category, double RawOutput, string Model, string ModelVersion, string? Experiment, string? Variant,
    double? ReferenceScore, DateTimeOffset ScoredAt, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, double? OutOfRangeShare, string Confidence,
    ScoreIntervalResponse? Interval, double? ObservedDays)
{
    public static RiskScoreResponse From(StoredScore stored)
    {
        var r = stored.Record;
        return new(r.DriverId, r.ScoreId, r.Score, r.Category.ToWireName(), r.RawOutput, r.ModelName, r.ModelVersion, r.Experiment, r.Variant,
            stored.ReferenceScore, r.ScoredAt, r.PeriodStart, r.PeriodEnd, StoredReal.Of(r.OutOfRangeShare), ConfidenceName(r.Confidence), ScoreIntervalResponse.From(r.Interval),
            StoredReal.Of(r.ObservedDays));
    }

    public static string ConfidenceName(ScoreConfidence confidence) => confidence.ToString().ToLowerInvariant();
}

/// <summary>The interval of a score's long-run value: the category is settled when both ends lie in one band, else provisional.</summary>
/// <param name="Low">Lower end, 0–100.</param>
/// <param name="High">Upper end, 0–100.</param>
/// <param name="Level">Probability that the long-run score lies between the ends (0.9).</param>
/// <param name="Settled">Whether both ends lie in one band: more driving is then unlikely to change the category.</param>
/// <param name="LowCategory">The band of <paramref name="Low"/>.</param>
/// <param name="HighCategory">The band of <paramref name="High"/>.</param>
internal sealed record ScoreIntervalResponse(double Low, double High, double Level, bool Settled, string LowCategory, string HighCategory)
{
    public static ScoreIntervalResponse? From(ScoreInterval? interval)
    {
        if (interval is not { } i)
        {
            return null;
        }

        // The ends as stored (StoredReal: single precision, 38.4 rather than 38.400001525878906); the bands are those of
        // the stored ends.
        var stored = new ScoreInterval((float)i.Low, (float)i.High, i.Level);
        return new(StoredReal.Of(i.Low), StoredReal.Of(i.High), i.Level, stored.SettlesCategory, stored.LowCategory.ToWireName(), stored.HighCategory.ToWireName());
    }
}

/// <summary>One factor of a score: how far the driver's figure moved the score from the reference score.</summary>
/// <param name="Feature">Feature name (schema <c>telematics</c> v1).</param>
/// <param name="Unit">Unit of the values.</param>
/// <param name="Description">What the feature measures.</param>
/// <param name="Value">The driver's value over the scored period; null when not measured (no posted limit known for the speeding shares).</param>
/// <param name="Reference">The population's typical value the model compares with.</param>
/// <param name="Points">Score points the factor adds (negative: removes).</param>
internal sealed record FactorResponse(string Feature, string Unit, string Description, double? Value, double Reference, double Points);

/// <summary>The breakdown of the latest score: its factors, largest effect first; the points sum to score − reference score.</summary>
/// <param name="Score">The latest score.</param>
/// <param name="Factors">Every feature the model uses, by decreasing |points|.</param>
internal sealed record BreakdownResponse(RiskScoreResponse Score, IReadOnlyList<FactorResponse> Factors);

/// <summary>One page of a driver's scores, newest first.</summary>
/// <param name="Page">Page number, from 1.</param>
/// <param name="PageSize">Most items per page.</param>
/// <param name="Items">The scores.</param>
internal sealed record ScorePage(int Page, int PageSize, IReadOnlyList<RiskScoreResponse> Items);

/// <summary>Mean score of one UTC month.</summary>
/// <param name="Month">First instant of the month (UTC).</param>
/// <param name="MeanScore">Mean of the month's scores.</param>
/// <param name="Count">Scores in the month.</param>
internal sealed record TrendPoint(DateTimeOffset Month, double MeanScore, int Count);

/// <summary>A driver's monthly score trend, oldest month first; months without scores are left out.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="Months">One point per month with scores.</param>
internal sealed record TrendResponse(long DriverId, IReadOnlyList<TrendPoint> Months);

/// <summary>One tip for the driver.</summary>
/// <param name="Feature">The factor the tip is about.</param>
/// <param name="Kind"><c>improve</c> or <c>praise</c>.</param>
/// <param name="Contribution">The factor's score points.</param>
/// <param name="DriverValue">The driver's figure; null when unknown.</param>
/// <param name="PopulationValue">The population's typical figure; null when unknown.</param>
/// <param name="Text">The sentence shown to the driver.</param>
internal sealed record RecommendationResponse(string Feature, string Kind, double Contribution, double? DriverValue, double? PopulationValue, string Text);

/// <summary>Tips derived from the latest score's largest factors.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="ScoreId">The score the tips come from.</param>
/// <param name="Items">The tips, largest factor first.</param>
internal sealed record RecommendationsResponse(long DriverId, long ScoreId, IReadOnlyList<RecommendationResponse> Items);

/// <summary>A premium as the API returns it.</summary>
/// <param name="PremiumId">The stored premium's id.</param>
/// <param name="DriverId">The driver.</param>
/// <param name="ScoreId">The score it was priced from.</param>
/// <param name="EffectiveAt">When it takes effect (UTC).</param>
/// <param name="Currency">ISO 4217 currency.</param>
/// <param name="BaseAmount">The region's base rate.</param>
/// <param name="FinalAmount">The annual premium.</param>
internal sealed record PremiumResponse(long PremiumId, long DriverId, long? ScoreId, DateTimeOffset EffectiveAt, string Currency, decimal BaseAmount, decimal FinalAmount)
{
    public static PremiumResponse From(PremiumRecord p) => new(p.PremiumId, p.DriverId, p.ScoreId, p.EffectiveAt, p.Currency, p.BaseAmount, p.FinalAmount);
}

/// <summary>The result of <c>POST /risk/{driverId}/recalculate</c>: the new score and the premium priced from it.</summary>
/// <param name="Score">The stored score.</param>
/// <param name="Premium">The stored premium.</param>
/// <param name="TripCount">Trips in the period.</param>
/// <param name="AnnualKm">The period's distance scaled to a year, km.</param>
internal sealed record RecalculateResponse(RiskScoreResponse Score, PremiumResponse Premium, int TripCount, double AnnualKm);

/// <summary>The body of <c>POST /risk/batch-calculate</c>.</summary>
/// <param name="DriverIds">1–1000 driver ids.</param>
/// <param name="PeriodDays">Days back from the period's end, 1–365; default 30.</param>
/// <param name="PeriodEnd">A UTC date not after today whose start ends the period (a past policy year); null for now.</param>
internal sealed record BatchCalculateRequest(long[]? DriverIds, int? PeriodDays, DateOnly? PeriodEnd = null);

/// <summary>A driver of a batch that was not scored.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="Reason">Why (no trips in the period, unknown driver, model failure).</param>
internal sealed record BatchFailureResponse(long DriverId, string Reason);

/// <summary>The summary of a batch recalculation.</summary>
/// <param name="Count">Distinct drivers asked for.</param>
/// <param name="Scored">Drivers scored and stored.</param>
/// <param name="Failures">Drivers not scored, with the reason.</param>
/// <param name="Mean">Mean score of the scored drivers; null when none.</param>
/// <param name="P50">Median score; null when none.</param>
/// <param name="P95">95th percentile score; null when none.</param>
/// <param name="ByCategory">Scored drivers per category.</param>
/// <param name="ByModelVersion">Scored drivers per <c>model@version</c>.</param>
/// <param name="ByVariant">Scored drivers per <c>experiment/variant</c>; empty outside experiments.</param>
internal sealed record BatchSummaryResponse(
    int Count, int Scored, IReadOnlyList<BatchFailureResponse> Failures, double? Mean, double? P50, double? P95,
    IReadOnlyDictionary<string, int> ByCategory, IReadOnlyDictionary<string, int> ByModelVersion, IReadOnlyDictionary<string, int> ByVariant)
{
    public static BatchSummaryResponse From(StoredBatchResult result)
    {
        var s = result.Summary;
        var failures = new List<BatchFailureResponse>(result.Failures.Count);
        foreach (var f in result.Failures)
        {
            failures.Add(new BatchFailureResponse(result.Outcomes[f.Index].DriverId, f.Message));
        }

        var byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (category, count) in s.ByCategory)
        {
            byCategory[category.ToWireName()] = count;
        }

        return new(s.Count, s.Count - s.Failures, failures, Finite(s.Mean), Finite(s.P50), Finite(s.P95), byCategory, s.ByModelVersion, s.ByVariant);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
