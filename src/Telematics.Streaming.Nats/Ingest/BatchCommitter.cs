using System.Threading.Channels;

using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// A worker's writers (<see cref="StreamIngestOptions.ConcurrentCommits"/>): the batches its partitions prepared wait here,
/// and whatever has gathered when a writer is free is stored in its next transaction
/// (<see cref="EventStreamIngestor.StoreBatchesAsync"/>), up to <see cref="StreamIngestOptions.MaxBatchesPerCommit"/>. Nothing waits on purpose: a lone batch is stored at once, and
/// groups form only when storing falls behind — which is when the per-transaction costs they save matter.
/// </summary>
/// <remarks>
/// A partition holds one unacknowledged batch at a time, so the batches gathered are of different partitions, hence of
/// different drivers: grouping them changes no driver's order.
/// </remarks>
internal sealed class BatchCommitter(EventStreamIngestor ingestor, int maxBatchesPerCommit, int concurrentCommits)
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = concurrentCommits == 1 });

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
    /// <param name="cancellationToken">Stops the writers; the transactions in progress are rolled back.</param>
    /// <returns>A task that completes when the writers stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Several transactions at once: while one waits on a round trip to the database, another uses the CPU. A batch is
        // in one transaction only, and the ones running at once hold different partitions' batches, so different drivers.
        var writers = new Task[concurrentCommits];
        for (var w = 0; w < writers.Length; w++)
        {
            writers[w] = WriteAsync(cancellationToken);
        }

        try
        {
            await Task.WhenAll(writers).ConfigureAwait(false);
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Done.TrySetCanceled(cancellationToken);
            }
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
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
            foreach (var pending in group)
            {
                pending.Done.TrySetCanceled(cancellationToken);
            }
        }
    }

    private sealed record Pending(PreparedEventBatch Batch, TaskCompletionSource<EventBatchOutcome> Done);
}
