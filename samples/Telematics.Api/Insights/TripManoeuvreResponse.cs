using Telematics.Storage.Postgres.Trips;

namespace Telematics.Api.Insights;

/// <summary>A phone manoeuvre or phone-handling span of a trip (stored by an ingest with a phone recording).</summary>
/// <param name="Kind">
/// harsh_braking, harsh_acceleration, harsh_left_turn, harsh_right_turn, aggressive_left_lane_change,
/// aggressive_right_lane_change or phone_handling.
/// </param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="EndedAt">End (UTC).</param>
/// <param name="PeakAt">Time of the peak; null for phone handling.</param>
/// <param name="PeakMps2">Largest magnitude of the acceleration that defines the kind, m/s²; null for phone handling.</param>
/// <param name="Severity">Peak over the detector's threshold (1 = just harsh); null for phone handling.</param>
/// <param name="PeakRotationRadS">Phone handling only: largest rotation rate of the phone relative to the car, rad/s.</param>
/// <param name="Remounted">Phone handling only: the phone came to rest in another orientation afterwards.</param>
internal sealed record TripManoeuvreResponse(
    string Kind,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    DateTimeOffset? PeakAt,
    float? PeakMps2,
    float? Severity,
    float? PeakRotationRadS,
    bool? Remounted)
{
    public static TripManoeuvreResponse From(StoredManoeuvre m) =>
        new(m.Kind, m.StartedAt, m.EndedAt, m.PeakAt, m.PeakMps2, m.Severity, m.PeakRotationRadS, m.Remounted);
}
