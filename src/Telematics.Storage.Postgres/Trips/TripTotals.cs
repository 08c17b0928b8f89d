namespace Telematics.Storage.Postgres.Trips;

/// <summary>Totals of a driver's trips in one UTC month.</summary>
/// <param name="MonthStart">First instant of the month (UTC).</param>
/// <param name="TripCount">Trips that started in the month.</param>
/// <param name="DistanceKm">Their distance, km.</param>
/// <param name="DrivingHours">Their duration from first to last sample, hours.</param>
/// <param name="HarshBrakeCount">Harsh braking events.</param>
/// <param name="RapidAccelerationCount">Rapid acceleration events.</param>
/// <param name="HarshCorneringCount">Harsh cornering events.</param>
public readonly record struct TripTotals(
    DateTimeOffset MonthStart,
    long TripCount,
    double DistanceKm,
    double DrivingHours,
    long HarshBrakeCount,
    long RapidAccelerationCount,
    long HarshCorneringCount);
