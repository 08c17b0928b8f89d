namespace Telematics.Storage.Postgres.Trips;

/// <summary>A closed trip as stored in <c>trips</c> (its 29-float feature vector is passed beside it).</summary>
/// <param name="DriverId">The driver; must exist in <c>drivers</c>.</param>
/// <param name="VehicleId">The vehicle, or <see langword="null"/> when unknown.</param>
/// <param name="StartedAt">First sample time (UTC); with the driver, the trip's identity: re-sending a trip is a no-op.</param>
/// <param name="EndedAt">Last sample time (UTC), not before <paramref name="StartedAt"/>.</param>
/// <param name="DistanceKm">Distance driven, km, ≥ 0.</param>
/// <param name="SampleCount">Samples that made the trip.</param>
/// <param name="HarshBrakeCount">Harsh braking events.</param>
/// <param name="RapidAccelerationCount">Rapid acceleration events.</param>
/// <param name="HarshCorneringCount">Harsh cornering events.</param>
public sealed record TripRecord(
    long DriverId,
    long? VehicleId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DistanceKm,
    int SampleCount,
    int HarshBrakeCount,
    int RapidAccelerationCount,
    int HarshCorneringCount);
