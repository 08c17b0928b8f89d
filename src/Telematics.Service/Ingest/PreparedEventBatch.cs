using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// A streamed batch read and measured but not yet stored (<see cref="EventStreamIngestor.PrepareBatchAsync"/>): its raw
/// samples and the trips its own samples close, held in memory until <see cref="EventStreamIngestor.StoreBatchesAsync"/>
/// stores it, alone or with other drivers' batches in one transaction.
/// </summary>
public sealed class PreparedEventBatch
{
    internal PreparedEventBatch(
        long driverId, Guid batchId, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options,
        IReadOnlyList<SampleBuffer> chunks, IReadOnlyList<TripFeatures> trips, long droppedByCleaning)
    {
        DriverId = driverId;
        BatchId = batchId;
        Zone = zone;
        Actor = actor;
        Options = options;
        Chunks = chunks;
        Trips = trips;
        DroppedByCleaning = droppedByCleaning;
        long count = 0;
        foreach (var chunk in chunks)
        {
            count += chunk.Count;
        }

        SampleCount = count;
    }

    /// <summary>The driver the batch belongs to.</summary>
    public long DriverId { get; }

    /// <summary>The batch's id, recorded when it is stored so that it is stored at most once.</summary>
    public Guid BatchId { get; }

    /// <summary>Samples read from the batch.</summary>
    public long SampleCount { get; }

    internal TimeZoneInfo Zone { get; }

    internal AuditActor Actor { get; }

    internal DriverPipelineOptions? Options { get; }

    /// <summary>The raw samples as read, in chunks of at most <see cref="EventStreamIngestor.ChunkSize"/>.</summary>
    internal IReadOnlyList<SampleBuffer> Chunks { get; }

    /// <summary>The trips the batch's own samples closed.</summary>
    internal IReadOnlyList<TripFeatures> Trips { get; }

    internal long DroppedByCleaning { get; }
}
