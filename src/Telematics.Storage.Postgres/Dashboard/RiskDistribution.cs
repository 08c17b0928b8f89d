namespace Telematics.Storage.Postgres.Dashboard;

/// <summary>How the drivers' latest scores in a period spread, from <see cref="DashboardQueries.ReadRiskDistributionAsync"/>.</summary>
/// <param name="ScoredDrivers">Drivers with a score in the period.</param>
/// <param name="Histogram">Drivers per score bucket of <see cref="DashboardQueries.HistogramBucketWidth"/> points: entry i counts scores in [10·i, 10·i + 10), the last one includes 100; ten entries.</param>
/// <param name="CategoryCounts">Drivers per risk category, indexed by <c>RiskCategory</c> (Excellent 0 … High 4); five entries.</param>
public sealed record RiskDistribution(long ScoredDrivers, IReadOnlyList<long> Histogram, IReadOnlyList<long> CategoryCounts);
