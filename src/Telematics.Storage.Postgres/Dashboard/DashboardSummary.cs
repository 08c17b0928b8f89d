namespace Telematics.Storage.Postgres.Dashboard;

/// <summary>Book-wide figures over a period, from <see cref="DashboardQueries.ReadSummaryAsync"/>.</summary>
/// <param name="Drivers">Drivers registered now (not limited to the period).</param>
/// <param name="Trips">Trips started in the period.</param>
/// <param name="DistanceKm">Kilometres of those trips.</param>
/// <param name="ScoredDrivers">Drivers with at least one score in the period.</param>
/// <param name="MeanScore">Mean of each scored driver's latest score in the period (0–100); <see langword="null"/> when none was scored.</param>
/// <param name="Premiums">Per currency, the sum of each driver's latest premium that took effect in the period.</param>
public sealed record DashboardSummary(long Drivers, long Trips, double DistanceKm, long ScoredDrivers, double? MeanScore, IReadOnlyList<PremiumTotal> Premiums);

/// <summary>Premiums of one currency in a <see cref="DashboardSummary"/>.</summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Drivers">Drivers whose latest premium in the period is in this currency.</param>
/// <param name="Total">Sum of those premiums' final amounts.</param>
public sealed record PremiumTotal(string Currency, long Drivers, decimal Total);
