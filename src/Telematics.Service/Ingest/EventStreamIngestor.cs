using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

using Telematics.Features.Ingest;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// Stores one driver's event stream — an upload read by a <see cref="SampleReader"/>, or chunks from any other
/// source — with the trips it closes, as one all-or-nothing <see cref="IngestSession"/>: each chunk is staged raw,
/// then run through a <see cref="DriverFeaturePipeline"/>; every closed trip is stored with its features at commit.
/// </summary>
/// <remarks>
/// <para>
/// Memory stays one chunk (<see cref="ChunkSize"/> samples for a reader) plus the closed trips' vectors, whatever the stream's
/// length. The stream's last trip is closed at its end, as if it were complete.
/// </para>
/// <para>
/// A device that uploads every few minutes is not cut into one trip per upload: when the stream's first sample (time
/// order) is at or after the start of the driver's latest stored trip and less than the pipeline's trip-ending gap
/// (<see cref="Telematics.Features.Trips.TripSegmentationOptions.MaxGapS"/>, 300 s by default) after its end, the commit
/// reopens that trip. In the same upload it locks the driver (so two uploads of one driver never both reopen a trip),
/// merges the stream's events, replays the driver's stored raw events from the trip's idle lead-in (up to one gap before
/// its start) on — in time order, chunk by chunk (<see cref="IUploadSession.ReadEventsAsync"/>) — through a fresh
/// pipeline, deletes the old trip row and stores the re-closed trip(s): the same trips,
/// starts and feature vectors as one upload holding both parts. Memory is then one chunk plus the open trip.
/// <see cref="EventStreamResult.ContinuedTripId"/> and the <c>events.ingest</c> audit row (<c>continued_trip_id</c>)
/// say so. A stream that adds no new event there (a re-sent upload) changes no trip. Streams that start later than the
/// gap, or before the latest trip's start (late data), store their own trips as before. A failed or cancelled commit
/// leaves the old trip as it was. Every replay reads the driver's stored phone evidence for its period
/// (<see cref="IUploadSession.ReadPhoneEvidenceAsync"/>) and measures with it, so a re-closed trip keeps what a phone
/// recording found; an upload whose events a recording stored earlier covers is measured with it the same way, from the
/// stored events. Thread-safe: every call has its own session and pipeline.
/// </para>
/// </remarks>
public sealed partial class EventStreamIngestor
{
    /// <summary>Samples per chunk read, staged and pushed through the pipeline.</summary>
    public const int ChunkSize = 8192;

    // Read chunks kept for the next upload: a fresh 8,192-sample chunk is about 480 KB to zero per upload, for streamed
    // batches of a few hundred samples. At most SparesKept wait; more concurrent uploads allocate their own.
    private static readonly int SparesKept = Environment.ProcessorCount * 4;
    private readonly ConcurrentQueue<SampleBuffer> _spares = new();
    private readonly IUploadStore _store;

    /// <summary>Creates the stream ingestor over the store its uploads go to.</summary>
    /// <param name="store">Opens the uploads (e.g. the PostgreSQL adapter's <c>EventIngestor</c>).</param>
    public EventStreamIngestor(IUploadStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Reads every sample of <paramref name="reader"/> and stores them with their trips, or nothing.</summary>
    /// <param name="driverId">An existing driver the events belong to.</param>
    /// <param name="reader">The upload; its <see cref="SampleReader.Report"/> lists skipped records in skip mode.</param>
    /// <param name="zone">The driver's time zone, for the local time-of-day features.</param>
    /// <param name="actor">Who sends them, for the audit rows.</param>
    /// <param name="options">Pipeline options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the upload; nothing is stored then.</param>
    /// <returns>What was stored.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode, or input that is not readable at all; nothing is stored.</exception>
    /// <exception cref="KeyNotFoundException">The driver does not exist, or was erased while the upload was read; nothing is stored.</exception>
    public Task<EventStreamResult> IngestAsync(
        long driverId, SampleReader reader, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return RunAsync(driverId, Read(reader, cancellationToken), zone, actor, options, cancellationToken);
    }

    /// <summary>
    /// Stores one streamed batch like <see cref="IngestAsync"/>, at most once: the upload records
    /// <paramref name="batchId"/> in its transaction, and a batch already recorded by a committed upload (delivered
    /// again after its acknowledgement was lost) stores nothing and reports <see cref="EventStreamResult.AlreadyStored"/>.
    /// </summary>
    /// <param name="driverId">An existing driver the events belong to.</param>
    /// <param name="batchId">The batch's id (the stream's message id), unique across drivers.</param>
    /// <param name="reader">The batch's samples.</param>
    /// <param name="zone">The driver's time zone.</param>
    /// <param name="actor">Who sent the batch, for the audit row (which names the batch).</param>
    /// <param name="options">Pipeline options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the upload; nothing is stored then.</param>
    /// <returns>What was stored.</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode; nothing is stored.</exception>
    /// <exception cref="NotSupportedException">The store keeps no record of batches.</exception>
    public Task<EventStreamResult> IngestBatchAsync(
        long driverId, Guid batchId, SampleReader reader, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return RunAsync(driverId, Read(reader, cancellationToken), zone, actor, options, cancellationToken, batchId);
    }

    /// <summary>Stores chunks produced by the caller (a simulator, a device gateway) with their trips, or nothing.</summary>
    /// <param name="driverId">An existing driver the events belong to.</param>
    /// <param name="chunks">The driver's samples in time order; each chunk is rewritten in place and may be reused once the next is asked for.</param>
    /// <param name="zone">The driver's time zone.</param>
    /// <param name="actor">Who sends them, for the audit rows.</param>
    /// <param name="options">Pipeline options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the stream; nothing is stored then.</param>
    /// <returns>What was stored.</returns>
    public Task<EventStreamResult> IngestChunksAsync(
        long driverId, IEnumerable<SampleBuffer> chunks, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        return RunAsync(driverId, Wrap(chunks), zone, actor, options, cancellationToken);
    }

    private async IAsyncEnumerable<SampleBuffer> Read(SampleReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The session copies what it keeps, so the chunk is free again once the upload has been read.
        var chunk = _spares.TryDequeue(out var spare) ? spare : new SampleBuffer(ChunkSize);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                yield return chunk;
                if (read.IsCompleted)
                {
                    yield break;
                }
            }
        }
        finally
        {
            chunk.Clear();

            // A consumer that grew it would change the next upload's chunking.
            if (chunk.Capacity == ChunkSize && _spares.Count < SparesKept)
            {
                _spares.Enqueue(chunk);
            }
        }
    }

#pragma warning disable CS1998 // an async iterator over a synchronous source: it only adapts the type
    private static async IAsyncEnumerable<SampleBuffer> Wrap(IEnumerable<SampleBuffer> chunks)
#pragma warning restore CS1998
    {
        foreach (var chunk in chunks)
        {
            yield return chunk;
        }
    }

    private async Task<EventStreamResult> RunAsync(
        long driverId, IAsyncEnumerable<SampleBuffer> chunks, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options, CancellationToken cancellationToken, Guid? batchId = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var pipeline = new DriverFeaturePipeline(zone, options);
        await using var session = await IngestSession.BeginAsync(_store, driverId, actor, cancellationToken).ConfigureAwait(false);
        if (batchId is { } id)
        {
            session.KeyBatch(id);
        }

        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Count == 0)
            {
                continue;
            }

            // Stage the raw samples first: the pipeline cleans and derives the chunk in place.
            await session.AppendAsync(chunk, cancellationToken).ConfigureAwait(false);
            AddTrips(session, pipeline.Push(chunk));
        }

        AddTrips(session, pipeline.Complete());
        return ResultOf(await session.CommitStreamAsync(new TripContinuation(zone, options, ChunkSize), cancellationToken).ConfigureAwait(false), pipeline.Cleaning.DroppedCount);
    }

    private static void AddTrips(IngestSession session, IReadOnlyList<TripFeatures> trips)
    {
        for (var i = 0; i < trips.Count; i++)
        {
            session.AddMeasuredTrip(trips[i]);
        }
    }
}
