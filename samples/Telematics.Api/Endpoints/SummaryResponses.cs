using Telematics.Api.Insights;
using Telematics.Features.Schema;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;

namespace Telematics.Api.Endpoints;

/// <summary>The answer of <c>GET /drivers/{driverId}/summary</c>.</summary>
/// <param name="Driver">The driver's profile.</param>
/// <param name="LatestScore">The latest stored score, or null before the first scoring.</param>
/// <param name="LatestPremium">The latest stored premium, or null before the first pricing.</param>
/// <param name="LastThirtyDays">Trip totals of the 30 days up to now.</param>
internal sealed record DriverSummaryResponse(DriverResponse Driver, ScoreSummary? LatestScore, PremiumSummary? LatestPremium, TripSummaryResponse LastThirtyDays)
{
    public static DriverSummaryResponse From(DriverResponse driver, RiskScoreRecord? score, PremiumRecord? premium, TripSummaryResponse totals) => new(
        driver,
        score is null ? null : new ScoreSummary(
            score.Score, score.Category.ToWireName(), score.ScoredAt, score.ModelName, score.ModelVersion, score.Variant, ScoreIntervalResponse.From(score.Interval)),
        premium is null ? null : new PremiumSummary(premium.FinalAmount, premium.BaseAmount, premium.Currency, premium.EffectiveAt),
        totals);
}

/// <summary>A stored score in brief.</summary>
/// <param name="Score">Risk score 0–100 (higher is riskier).</param>
/// <param name="Category">Its band.</param>
/// <param name="ScoredAt">When it was computed (UTC).</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The model's version.</param>
/// <param name="Variant">The experiment variant, or null.</param>
/// <param name="Interval">Where the driver's long-run score lies given the trips scored; null when the model records no sampling noise.</param>
internal sealed record ScoreSummary(
    double Score, string Category, DateTimeOffset ScoredAt, string ModelName, string ModelVersion, string? Variant, ScoreIntervalResponse? Interval);

/// <summary>A stored premium in brief.</summary>
/// <param name="FinalAmount">The premium after the telematics adjustment.</param>
/// <param name="BaseAmount">The premium before it.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="EffectiveAt">When it takes effect (UTC).</param>
internal sealed record PremiumSummary(decimal FinalAmount, decimal BaseAmount, string Currency, DateTimeOffset EffectiveAt);

/// <summary>The answer of <c>GET /drivers/{driverId}/risk-factors</c>.</summary>
/// <param name="ScoredAt">When the score was computed (UTC).</param>
/// <param name="Score">The score 0–100.</param>
/// <param name="ModelName">The model that computed it.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Factors">Every feature's contribution, largest absolute contribution first.</param>
internal sealed record RiskFactorsResponse(DateTimeOffset ScoredAt, double Score, string ModelName, string ModelVersion, IReadOnlyList<RiskFactor> Factors)
{
    public static RiskFactorsResponse From(RiskScoreRecord score)
    {
        // Stored vectors are in the model's schema order; the built-in models use telematics@1. Another length is
        // named by position rather than guessed.
        var schema = TelematicsFeatures.Schema;
        var named = score.Contributions.Length == schema.Count;
        var factors = new RiskFactor[score.Contributions.Length];
        for (var i = 0; i < factors.Length; i++)
        {
            var value = i < score.Features.Length && float.IsFinite(score.Features[i]) ? score.Features[i] : (float?)null;
            var contribution = float.IsFinite(score.Contributions[i]) ? score.Contributions[i] : 0f;
            factors[i] = new RiskFactor(
                named ? schema.Features[i].Name : $"feature_{i}",
                contribution > 0 ? "raises" : contribution < 0 ? "lowers" : "neutral",
                contribution,
                value);
        }

        Array.Sort(factors, static (a, b) => Math.Abs(b.Contribution).CompareTo(Math.Abs(a.Contribution)));
        return new RiskFactorsResponse(score.ScoredAt, score.Score, score.ModelName, score.ModelVersion, factors);
    }
}

/// <summary>One feature's part in a score.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="Direction"><c>raises</c>, <c>lowers</c> or <c>neutral</c>: which way it moved the score.</param>
/// <param name="Contribution">Its contribution to the score, in score points as the model reports them.</param>
/// <param name="Value">The feature's value that was scored, or null when missing.</param>
internal sealed record RiskFactor(string Feature, string Direction, float Contribution, float? Value);
