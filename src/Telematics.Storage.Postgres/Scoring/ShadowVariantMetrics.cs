namespace Telematics.Storage.Postgres.Scoring;

/// <summary>Scores of one shadow variant of an experiment over a period, beside each driver's latest served score in the period.</summary>
/// <param name="Variant">The shadow variant's name.</param>
/// <param name="ScoredDrivers">Drivers whose latest served score in the period has a score of this shadow variant beside it.</param>
/// <param name="MeanScore">Mean of those shadow scores, 0–100.</param>
/// <param name="SameCategoryShare">Share of those drivers whose shadow category equals the served one, 0–1.</param>
public sealed record ShadowVariantMetrics(string Variant, long ScoredDrivers, double MeanScore, double SameCategoryShare)
{
    /// <summary>
    /// Among those drivers whose served and shadow scores both carry a 90 % interval, the share whose two categories are
    /// both settled by their intervals and still differ, 0–1: the disagreements a week's sampling noise does not explain.
    /// Null when no driver has both intervals (a model without sampling noise).
    /// </summary>
    public double? SettledDisagreementShare { get; init; }
}
