using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>
/// Runs a stored batch scoring run (<see cref="ScoringRun"/>): drivers in ascending id order, one chunk per transaction
/// (scores, premiums, audit row and run progress together), so that an interrupted run resumes after its last committed
/// chunk. While one chunk (or <see cref="Writers"/> chunks, each on its own connection) is written, the next is read,
/// combined, scored and priced, so the database's writes and the process's compute overlap.
/// </summary>
/// <remarks>
/// Chunks are committed strictly in order: with several writers, chunk <c>k + 1</c> writes its rows beside chunk <c>k</c>
/// but appends its audit row, advances the run and commits only after chunk <c>k</c> committed, and rolls back if chunk
/// <c>k</c> did not. So the run's <see cref="ScoringRun.LastDriverId"/> only moves forward and a resumed run starts after
/// the last committed chunk. At most <see cref="Writers"/> + 1 chunks are in memory and as many connections open. Not
/// thread-safe per run: run one invocation of a run id at a time (a second would be refused by the run's progress check and write nothing).
/// </remarks>
public sealed class ScoringRunner
{
    /// <summary>The most chunks a runner writes at once.</summary>
    public const int MaxWriters = 8;

    private readonly StoredDriverScorer _scorer;
    private readonly IScoringRunStore _runs;

    /// <summary>Creates a runner.</summary>
    /// <param name="scorer">Scores and stores each chunk.</param>
    /// <param name="runs">Where runs are recorded and drivers listed.</param>
    /// <param name="writers">
    /// Chunks written at once, each on its own connection and transaction, 1–8. Default 1: one chunk is written while the
    /// next is computed. More pay when the database server has cores to spare, since each writer is one server backend;
    /// on a 2-core machine that also runs the server, 2 writers were no faster than 1 (benchmarks/results/stored-batch-score.md).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="writers"/> is outside 1–8.</exception>
    public ScoringRunner(StoredDriverScorer scorer, IScoringRunStore runs, int writers = 1)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writers, MaxWriters);
        _scorer = scorer;
        _runs = runs;
        Writers = writers;
    }

    /// <summary>Chunks written at once, each on its own connection (1–<see cref="MaxWriters"/>).</summary>
    public int Writers { get; }

    /// <summary>Drivers left after <paramref name="afterDriverId"/>: all stored drivers, or the selected ones.</summary>
    /// <param name="selected">The selected driver ids, sorted and distinct; null for all drivers.</param>
    /// <param name="afterDriverId">The run's <see cref="ScoringRun.LastDriverId"/>.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>How many drivers the run still has to go through.</returns>
    public async Task<int> CountRemainingAsync(long[]? selected, long afterDriverId, CancellationToken cancellationToken = default)
    {
        if (selected is not null)
        {
            return selected.Length - FirstAfter(selected, afterDriverId);
        }

        return await _runs.CountDriversAfterAsync(afterDriverId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores every driver of <paramref name="run"/> after its last committed chunk, then marks it finished.</summary>
    /// <param name="run">The run, started or resumed (<see cref="IScoringRunStore.StartOrGetAsync"/>).</param>
    /// <param name="selected">The selected driver ids, sorted ascending and distinct; null for all drivers.</param>
    /// <param name="chunkSize">Drivers per chunk and transaction, ≥ 1.</param>
    /// <param name="actor">Who runs it, recorded on each chunk's audit row.</param>
    /// <param name="progress">Told after each committed chunk, in chunk order, on the runner's thread.</param>
    /// <param name="cancellationToken">Stops between or inside chunks; a chunk not committed leaves no trace.</param>
    /// <returns>What this invocation did; a finished run is returned as is with nothing written.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; the run stays resumable.</exception>
    public async Task<ScoringRunReport> RunAsync(
        ScoringRun run, long[]? selected, int chunkSize, AuditActor actor, IProgress<ScoringRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        actor.Validate();
        if (run.IsFinished)
        {
            return new ScoringRunReport(run, AlreadyFinished: true, 0, 0, []);
        }

        var tally = new RunTally();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = PrepareNextAsync(selected, run.LastDriverId, chunkSize, run, stop.Token);
        var writing = new Queue<(PreparedChunk Chunk, Task<StoredBatchResult> Store)>(Writers);
        Task? previous = null;
        try
        {
            while (await next.ConfigureAwait(false) is { } chunk)
            {
                // Start computing the next chunk, then write this one (beside the one before it, with several writers): they
                // overlap. This chunk commits only after the one before it did (StoreAsync's commitAfter).
                stop.Token.ThrowIfCancellationRequested();
                next = PrepareNextAsync(selected, chunk.Ids[^1], chunkSize, run, stop.Token);
                var store = _scorer.StoreAsync(chunk, actor, run.RunId, previous, stop.Token);
                writing.Enqueue((chunk, store));
                previous = store;
                if (writing.Count == Writers)
                {
                    var (done, stored) = writing.Dequeue();
                    tally.Add(await stored.ConfigureAwait(false));
                    progress?.Report(new ScoringRunProgress(tally.Chunks, done.Ids.Length, done.Ids[^1]));
                }
            }

            while (writing.TryDequeue(out var pending))
            {
                tally.Add(await pending.Store.ConfigureAwait(false));
                progress?.Report(new ScoringRunProgress(tally.Chunks, pending.Chunk.Ids.Length, pending.Chunk.Ids[^1]));
            }
        }
        catch
        {
            // The chunks being prepared or written are abandoned (a chunk not yet committed rolls back); wait for them so
            // that nothing runs on after the call returns. The first failure is the one thrown.
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(next).ConfigureAwait(false);
            while (writing.TryDequeue(out var pending))
            {
                await Quietly(pending.Store).ConfigureAwait(false);
            }

            throw;
        }

        var finished = await _runs.FinishAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        return new ScoringRunReport(finished, AlreadyFinished: false, tally.Scored, tally.NoTrips, tally.Failed) { ByVariant = tally.ByVariant, ShadowScores = tally.Shadows };
    }

    private static Task Quietly(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task<PreparedChunk?> PrepareNextAsync(long[]? selected, long afterDriverId, int chunkSize, ScoringRun run, CancellationToken cancellationToken)
    {
        // Yield first so that the caller's write starts while this chunk is read and computed.
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        var ids = await NextChunkAsync(selected, afterDriverId, chunkSize, cancellationToken).ConfigureAwait(false);
        return ids.Length == 0 ? null : await _scorer.PrepareAsync(ids, run.PeriodStart, run.PeriodEnd, cancellationToken).ConfigureAwait(false);
    }

    private async Task<long[]> NextChunkAsync(long[]? selected, long afterDriverId, int chunkSize, CancellationToken cancellationToken)
    {
        if (selected is not null)
        {
            var start = FirstAfter(selected, afterDriverId);
            return selected[start..Math.Min(selected.Length, start + chunkSize)];
        }

        return await _runs.NextDriversAsync(afterDriverId, chunkSize, cancellationToken).ConfigureAwait(false);
    }

    // Index of the first selected id above afterDriverId (the ids are sorted ascending).
    private static int FirstAfter(long[] selected, long afterDriverId)
    {
        var index = Array.BinarySearch(selected, afterDriverId);
        return index >= 0 ? index + 1 : ~index;
    }
}
