namespace Telematics.Storage.Postgres.Phone;

/// <summary>What <see cref="PhoneRecordingStore.StoreAsync"/> stored.</summary>
/// <param name="EvidenceRows">Covered spans, manoeuvres and handling spans newly stored; 0 when the same recording was stored before.</param>
/// <param name="FromUnixMs">Start of the recording's evidence, ms since the Unix epoch; 0 when it held none.</param>
/// <param name="ToUnixMs">End of the recording's evidence, ms since the Unix epoch; 0 when it held none.</param>
/// <param name="ReplacedTripIds">The stored trips the recording overlapped that were re-measured, whose rows were replaced.</param>
/// <param name="TripIds">The re-measured trips' new ids, in the order of <paramref name="ReplacedTripIds"/>.</param>
/// <param name="Unmeasured">Overlapped trips whose events are no longer stored (archived): kept as they were.</param>
/// <param name="DistanceKm">Distance of the re-measured trips, km.</param>
public sealed record PhoneRecordingResult(
    long EvidenceRows, long FromUnixMs, long ToUnixMs, IReadOnlyList<long> ReplacedTripIds, IReadOnlyList<long> TripIds, int Unmeasured, double DistanceKm)
{
    /// <summary>The same recording was stored before: nothing changed.</summary>
    public bool AlreadyStored => EvidenceRows == 0;
}
