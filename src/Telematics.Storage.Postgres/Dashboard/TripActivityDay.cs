namespace Telematics.Storage.Postgres.Dashboard;

/// <summary>Trips started on one UTC day, from <see cref="DashboardQueries.ReadTripActivityAsync"/>.</summary>
/// <param name="Day">The UTC date.</param>
/// <param name="Trips">Trips started that day.</param>
/// <param name="DistanceKm">Kilometres of those trips.</param>
public sealed record TripActivityDay(DateOnly Day, long Trips, double DistanceKm);
