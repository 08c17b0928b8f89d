namespace Telematics.Storage.Postgres.Ingest;

/// <summary>What <see cref="EventStreamIngestor"/> stored from one driver's stream.</summary>
/// <param name="Received">Samples read from the stream (bad records skipped in skip mode are not counted).</param>
/// <param name="Stored">Samples newly stored.</param>
/// <param name="TripsClosed">Trips the pipeline closed in the stream.</param>
/// <param name="TripsStored">Closed trips newly stored; the rest were already stored (same driver and start).</param>
/// <param name="DistanceKm">Distance of the closed trips, km.</param>
/// <param name="DroppedByCleaning">Samples that cleaning left out of the trips (duplicates, bad fixes, jumps); they are still stored raw.</param>
public readonly record struct EventStreamResult(long Received, long Stored, int TripsClosed, int TripsStored, double DistanceKm, long DroppedByCleaning)
{
    /// <summary>Samples not stored because they already were (or were repeated in the stream).</summary>
    public long Duplicates => Received - Stored;
}
