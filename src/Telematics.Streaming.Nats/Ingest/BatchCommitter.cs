using System.Threading.Channels;

using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// A worker's one writer: the batches its partitions prepared wait here, and whatever has gathered while the previous
/// transaction ran is stored in the next one (<see cref="EventStreamIngestor.StoreBatchesAsync"/>), up to
/// <see cref="StreamIngestOptions.MaxBatchesPerCommit"/>. Nothing waits on purpose: a lone batch is stored at once, and
/// groups form only when storing falls behind — which is when the per-transaction costs they save matter.
/// </summary>
/// <remarks>
/// A partition holds one unacknowledged batch at a time, so the batches gathered are of different partitions, hence of
/// different drivers: grouping them changes no driver's order.
/// </remarks>
internal sealed class BatchCommitter(EventStreamIngestor ingestor, int maxBatchesPerCommit)
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues <paramref name="batch"/> for the next transaction and returns what became of it.</summary>
    /// <param name="batch">A prepared batch.</param>
    /// <param name="cancellationToken">The worker's stop: the batch is then not stored (or its transaction rolled back).</param>
    /// <returns>The batch's outcome once its transaction ended.</returns>
    public async Task<EventBatchOutcome> StoreAsync(PreparedEventBatch batch, CancellationToken cancellationToken)
    {
        var pending = new Pending(batch, new TaskCompletionSource<EventBatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("The worker is stopping.", cancellationToken);
        }

        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores queued batches until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops the writer; the transaction in progress is rolled back.</param>
    /// <returns>A task that completes when the writer stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var group = new List<Pending>(maxBatchesPerCommit);
        var batches = new List<PreparedEventBatch>(maxBatchesPerCommit);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                group.Clear();
                batches.Clear();
                while (group.Count < maxBatchesPerCommit && _queue.Reader.TryRead(out var pending))
                {
                    group.Add(pending);
                    batches.Add(pending.Batch);
                }

                try
                {
                    var outcomes = await ingestor.StoreBatchesAsync(batches, cancellationToken).ConfigureAwait(false);
                    StreamIngestMetrics.BatchesPerCommit.Record(batches.Count);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(outcomes[i]);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // StoreBatchesAsync reports failures per batch; anything else still reaches every batch's puller.
                    foreach (var pending in group)
                    {
                        pending.Done.TrySetResult(new EventBatchOutcome(default, e));
                    }
                }
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            foreach (var pending in group)
            {
                pending.Done.TrySetCanceled(cancellationToken);
            }

            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Done.TrySetCanceled(cancellationToken);
            }
        }
    }

    private sealed record Pending(PreparedEventBatch Batch, TaskCompletionSource<EventBatchOutcome> Done);
}
