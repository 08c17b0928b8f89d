namespace Telematics.Storage.Postgres.Trips;

/// <summary>A trip as <see cref="TripReader"/> returns it.</summary>
/// <param name="TripId">The trip's id.</param>
/// <param name="DriverId">Its driver.</param>
/// <param name="StartedAt">First sample time (UTC).</param>
/// <param name="EndedAt">Last sample time (UTC).</param>
/// <param name="DistanceKm">Distance driven, km.</param>
/// <param name="SampleCount">Samples that made the trip.</param>
/// <param name="HarshBrakeCount">Harsh braking events.</param>
/// <param name="RapidAccelerationCount">Rapid acceleration events.</param>
/// <param name="HarshCorneringCount">Harsh cornering events.</param>
/// <param name="Features">The <see cref="Features.Schema.TelematicsFeatures.Schema"/> vector, or <see langword="null"/> where a list leaves it out.</param>
public sealed record StoredTrip(
    long TripId,
    long DriverId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DistanceKm,
    int SampleCount,
    int HarshBrakeCount,
    int RapidAccelerationCount,
    int HarshCorneringCount,
    float[]? Features);
