namespace Telematics.Storage.Postgres.Trips;

/// <summary>A manoeuvre or phone-handling span of a stored trip, as <see cref="TripReader.ReadManoeuvresAsync"/> returns it.</summary>
/// <param name="Kind">
/// <c>harsh_braking</c>, <c>harsh_acceleration</c>, <c>harsh_left_turn</c>, <c>harsh_right_turn</c>,
/// <c>aggressive_left_lane_change</c>, <c>aggressive_right_lane_change</c> or <c>phone_handling</c>.
/// </param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="EndedAt">End (UTC).</param>
/// <param name="PeakAt">Time of the peak; null for phone handling.</param>
/// <param name="PeakMps2">Largest magnitude of the acceleration that defines the kind, m/s²; null for phone handling.</param>
/// <param name="Severity">Peak over the detector's threshold (1 = just harsh); null for phone handling.</param>
/// <param name="PeakRotationRadS">Phone handling only: largest rotation rate of the phone relative to the vehicle, rad/s.</param>
/// <param name="Remounted">Phone handling only: the phone came to rest in another orientation afterwards.</param>
public sealed record StoredManoeuvre(
    string Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    DateTimeOffset? PeakAt,
    float? PeakMps2,
    float? Severity,
    float? PeakRotationRadS,
    bool? Remounted);
