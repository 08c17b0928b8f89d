namespace Telematics.Service.Ingest;

/// <summary>Outcome of a committed <see cref="IngestSession"/>.</summary>
/// <param name="Received">Events appended to the session.</param>
/// <param name="Stored">Events newly stored; the rest were already there (same driver, event id and timestamp) or repeated in the upload.</param>
/// <param name="TripsClosed">Trips added to the session.</param>
/// <param name="TripsStored">Trips newly stored; the rest were already stored (same driver and start).</param>
public readonly record struct SessionIngestResult(long Received, long Stored, int TripsClosed, int TripsStored)
{
    /// <summary>
    /// The id of the stored trip this upload continued: that trip was re-closed from its stored events and the upload's,
    /// its row deleted, and the re-closed trip(s) counted in <see cref="TripsClosed"/> and <see cref="TripsStored"/>;
    /// null when no trip was continued. Only <see cref="EventStreamIngestor"/> continues trips.
    /// </summary>
    public long? ContinuedTripId { get; init; }

    /// <summary>
    /// True when the upload was a batch (<see cref="EventStreamIngestor.IngestBatchAsync"/>) that an earlier upload had
    /// already stored: nothing was written, the counts other than <see cref="Received"/> are zero.
    /// </summary>
    public bool AlreadyStored { get; init; }

    /// <summary>Events that were not stored because they already were.</summary>
    public long Duplicates => Received - Stored;
}
