namespace Telematics.Storage.Postgres.Experiments;

/// <summary>Scores of one experiment variant over a period, counting each driver's latest score in the period once.</summary>
/// <param name="Variant">The variant name.</param>
/// <param name="ScoredDrivers">Drivers whose latest score in the period was served by this variant.</param>
/// <param name="MeanScore">Mean of those scores, 0–100.</param>
/// <param name="P50Score">Median (continuous percentile), 0–100.</param>
/// <param name="P95Score">95th percentile (continuous), 0–100.</param>
/// <param name="CategoryCounts">Drivers per risk category, indexed by <c>RiskCategory</c> (Excellent 0 … High 4); five entries.</param>
public sealed record VariantMetrics(string Variant, long ScoredDrivers, double MeanScore, double P50Score, double P95Score, IReadOnlyList<long> CategoryCounts);
