namespace Telematics.Service.Ingest;

/// <summary>What <see cref="EventStreamIngestor"/> stored from one driver's stream.</summary>
/// <param name="Received">Samples read from the stream (bad records skipped in skip mode are not counted).</param>
/// <param name="Stored">Samples newly stored.</param>
/// <param name="TripsClosed">Trips closed by the stream; when it continued a stored trip (<see cref="ContinuedTripId"/>), the trips re-closed from that trip's start.</param>
/// <param name="TripsStored">Closed trips newly stored; the rest were already stored (same driver and start).</param>
/// <param name="DistanceKm">Distance of the closed trips, km (a continued trip counts whole).</param>
/// <param name="DroppedByCleaning">Samples that cleaning left out of the trips (duplicates, bad fixes, jumps); they are still stored raw.</param>
public readonly record struct EventStreamResult(long Received, long Stored, int TripsClosed, int TripsStored, double DistanceKm, long DroppedByCleaning)
{
    /// <summary>
    /// The id of the driver's latest stored trip that this stream continued (its first sample came less than the
    /// trip-ending gap after that trip's end): the old row is deleted and the trip re-closed with the new samples under a
    /// new id; null when the stream started no continuation.
    /// </summary>
    public long? ContinuedTripId { get; init; }

    /// <summary>
    /// True when the stream was a batch (<see cref="EventStreamIngestor.IngestBatchAsync"/>) that an earlier upload had
    /// already stored (a redelivery): nothing was written and every count but <see cref="Received"/> is zero.
    /// </summary>
    public bool AlreadyStored { get; init; }

    /// <summary>Samples not stored because they already were (or were repeated in the stream).</summary>
    public long Duplicates => Received - Stored;
}
