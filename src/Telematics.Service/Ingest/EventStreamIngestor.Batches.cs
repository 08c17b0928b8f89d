using Telematics.Features.Ingest;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>Streamed batches read apart from their storing, so that several drivers' batches can share one transaction.</summary>
public sealed partial class EventStreamIngestor
{
    /// <summary>
    /// Reads a streamed batch and runs it through the feature pipeline, without storing anything: what
    /// <see cref="IngestBatchAsync"/> does before its commit. Store it with <see cref="StoreBatchesAsync"/>.
    /// </summary>
    /// <param name="driverId">An existing driver the events belong to.</param>
    /// <param name="batchId">The batch's id (the stream's message id), unique across drivers.</param>
    /// <param name="reader">The batch's samples.</param>
    /// <param name="zone">The driver's time zone.</param>
    /// <param name="actor">Who sent the batch, for the audit row (which names the batch).</param>
    /// <param name="options">Pipeline options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The batch, held in memory (its raw samples and trips).</returns>
    /// <exception cref="TelematicsFormatException">A bad record in reject mode.</exception>
    /// <exception cref="ArgumentException">The actor cannot be recorded.</exception>
    public async Task<PreparedEventBatch> PrepareBatchAsync(
        long driverId, Guid batchId, SampleReader reader, TimeZoneInfo zone, AuditActor actor, DriverPipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(zone);
        actor.Validate();
        var pipeline = new DriverFeaturePipeline(zone, options);
        var chunks = new List<SampleBuffer>(1);
        var trips = new List<TripFeatures>();
        await foreach (var chunk in Read(reader, cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Count == 0)
            {
                continue;
            }

            // The raw samples first: the pipeline cleans and derives the chunk in place.
            var raw = new SampleBuffer(chunk.Count);
            raw.AddRange(chunk);
            chunks.Add(raw);
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return new PreparedEventBatch(driverId, batchId, zone, actor, options, chunks, trips, pipeline.Cleaning.DroppedCount);
    }

    /// <summary>
    /// Stores prepared batches, each at most once and each with the effect <see cref="IngestBatchAsync"/> would have had:
    /// where the store can (<see cref="IUploadStore.BeginUploadGroupAsync"/>), the batches of different drivers go in one
    /// transaction, their events in one write, with one commit — the per-batch costs of a store paid once. A driver's
    /// batches are stored in list order. When the shared transaction fails for any reason, nothing of it stays and every
    /// batch is stored on its own instead, so one bad batch costs the others nothing but time and fails alone.
    /// </summary>
    /// <param name="batches">Prepared batches, a driver's in the order they must be stored.</param>
    /// <param name="cancellationToken">Cancels the call; nothing of the transaction in progress is stored then.</param>
    /// <returns>One outcome per batch, in the order of <paramref name="batches"/>.</returns>
    public async Task<EventBatchOutcome[]> StoreBatchesAsync(IReadOnlyList<PreparedEventBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var outcomes = new EventBatchOutcome[batches.Count];
        var done = new bool[batches.Count];
        var members = GroupMembers(batches);
        if (members.Count > 1)
        {
            await TryStoreGroupAsync(batches, members, outcomes, done, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < batches.Count; i++)
        {
            if (done[i])
            {
                continue;
            }

            try
            {
                outcomes[i] = new EventBatchOutcome(await StoreAloneAsync(batches[i], cancellationToken).ConfigureAwait(false), null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                outcomes[i] = new EventBatchOutcome(default, e);
            }
        }

        return outcomes;
    }

    // The batches that can share the transaction: one chunk each (a member holds its events in memory) and each driver's
    // first batch only, so that the rest, stored alone after the group, still come after it. In driver order: locks taken
    // in one order by every group cannot deadlock.
    private static List<int> GroupMembers(IReadOnlyList<PreparedEventBatch> batches)
    {
        var members = new List<int>(batches.Count);
        var seen = new HashSet<long>();
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i] ?? throw new ArgumentException($"Batch {i} is null.", nameof(batches));
            if (seen.Add(batch.DriverId) && batch.Chunks.Count == 1)
            {
                members.Add(i);
            }
        }

        members.Sort((a, b) => batches[a].DriverId.CompareTo(batches[b].DriverId));
        return members;
    }

    private async Task TryStoreGroupAsync(
        IReadOnlyList<PreparedEventBatch> batches, List<int> members, EventBatchOutcome[] outcomes, bool[] done, CancellationToken cancellationToken)
    {
        var results = new (SessionIngestResult Result, double DistanceKm)[members.Count];
        try
        {
            var group = await _store.BeginUploadGroupAsync(cancellationToken).ConfigureAwait(false);
            if (group is null)
            {
                return;
            }

            await using (group.ConfigureAwait(false))
            {
                var sessions = new IngestSession[members.Count];
                var continuations = new TripContinuation[members.Count];
                for (var k = 0; k < members.Count; k++)
                {
                    var batch = batches[members[k]];
                    sessions[k] = IngestSession.Over(group.Join(batch.DriverId, batch.Actor));
                    sessions[k].KeyBatch(batch.BatchId);
                    await sessions[k].AppendAsync(batch.Chunks[0], cancellationToken).ConfigureAwait(false);
                    foreach (var trip in batch.Trips)
                    {
                        sessions[k].AddMeasuredTrip(trip);
                    }

                    continuations[k] = new TripContinuation(batch.Zone, batch.Options, ChunkSize);
                }

                var claimed = new List<IUploadSession>(members.Count);
                var active = new bool[members.Count];
                for (var k = 0; k < members.Count; k++)
                {
                    active[k] = await sessions[k].BeginCommitAsync(continuations[k], cancellationToken).ConfigureAwait(false);
                    if (active[k])
                    {
                        claimed.Add(sessions[k].Upload);
                    }
                    else
                    {
                        results[k] = sessions[k].AlreadyStoredResult;
                    }
                }

                if (claimed.Count > 0 && !await group.MergeAsync(claimed, cancellationToken).ConfigureAwait(false))
                {
                    // Some events are stored already (re-sent under a new batch id): alone, each merges past them.
                    return;
                }

                for (var k = 0; k < members.Count; k++)
                {
                    if (active[k])
                    {
                        results[k] = await sessions[k].FinishCommitAsync(continuations[k], cancellationToken).ConfigureAwait(false);
                    }
                }

                await group.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // Rolled back whole. Stored alone, each batch meets its own failure (a missing driver, a database that is down),
            // and a commit that did happen before its reply was lost is found in the batch ledger.
            return;
        }

        for (var k = 0; k < members.Count; k++)
        {
            var index = members[k];
            outcomes[index] = new EventBatchOutcome(ResultOf(results[k], batches[index]), null);
            done[index] = true;
        }
    }

    private async Task<EventStreamResult> StoreAloneAsync(PreparedEventBatch batch, CancellationToken cancellationToken)
    {
        await using var session = await IngestSession.BeginAsync(_store, batch.DriverId, batch.Actor, cancellationToken).ConfigureAwait(false);
        session.KeyBatch(batch.BatchId);
        foreach (var chunk in batch.Chunks)
        {
            await session.AppendAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        foreach (var trip in batch.Trips)
        {
            session.AddMeasuredTrip(trip);
        }

        return ResultOf(await session.CommitStreamAsync(new TripContinuation(batch.Zone, batch.Options, ChunkSize), cancellationToken).ConfigureAwait(false), batch);
    }

    private static EventStreamResult ResultOf((SessionIngestResult Result, double DistanceKm) stored, PreparedEventBatch batch) =>
        ResultOf(stored, batch.DroppedByCleaning);

    private static EventStreamResult ResultOf((SessionIngestResult Result, double DistanceKm) stored, long droppedByCleaning) =>
        new(stored.Result.Received, stored.Result.Stored, stored.Result.TripsClosed, stored.Result.TripsStored, stored.DistanceKm, droppedByCleaning)
        {
            ContinuedTripId = stored.Result.ContinuedTripId,
            AlreadyStored = stored.Result.AlreadyStored,
        };
}
