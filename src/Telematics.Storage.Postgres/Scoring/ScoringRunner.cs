using Npgsql;

using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// Runs a stored batch scoring run (<see cref="ScoringRun"/>): drivers in ascending id order, one chunk per transaction
/// (scores, premiums, audit row and run progress together), so that an interrupted run resumes after its last committed
/// chunk. While one chunk is being written, the next is read, combined, scored and priced, so the database's write and the
/// process's compute overlap.
/// </summary>
/// <remarks>
/// Chunks are committed strictly in order: chunk <c>k + 1</c> is written only after chunk <c>k</c> committed, so the run's
/// <see cref="ScoringRun.LastDriverId"/> only moves forward. At most two chunks are in memory. Not thread-safe per run:
/// run one invocation of a run id at a time (a second would be refused by the run's progress check and write nothing).
/// </remarks>
public sealed class ScoringRunner
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoredDriverScorer _scorer;
    private readonly ScoringRunRepository _runs;

    /// <summary>Creates a runner.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="scorer">Scores and stores each chunk.</param>
    /// <param name="runs">Where runs are recorded.</param>
    public ScoringRunner(NpgsqlDataSource dataSource, StoredDriverScorer scorer, ScoringRunRepository runs)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(runs);
        _dataSource = dataSource;
        _scorer = scorer;
        _runs = runs;
    }

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

        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM drivers WHERE driver_id > $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Scores every driver of <paramref name="run"/> after its last committed chunk, then marks it finished.</summary>
    /// <param name="run">The run, started or resumed (<see cref="ScoringRunRepository.StartOrGetAsync"/>).</param>
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

        var scored = 0;
        var noTrips = 0;
        var failed = new List<ScoringRunFailure>();
        var chunks = 0;
        var byVariant = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var shadows = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = PrepareNextAsync(selected, run.LastDriverId, chunkSize, run, stop.Token);
        try
        {
            while (await next.ConfigureAwait(false) is { } chunk)
            {
                // Start computing the next chunk, then write this one: the two overlap.
                stop.Token.ThrowIfCancellationRequested();
                next = PrepareNextAsync(selected, chunk.Ids[^1], chunkSize, run, stop.Token);
                var result = await _scorer.StoreAsync(chunk, actor, run.RunId, stop.Token).ConfigureAwait(false);
                foreach (var outcome in result.Outcomes)
                {
                    switch (outcome.Status)
                    {
                        case DriverScoreStatus.Scored:
                            scored++;
                            shadows += outcome.Score!.ShadowScores.Count;
                            if (outcome.Score.Experiment is { } assignment)
                            {
                                byVariant[assignment.Variant] = byVariant.GetValueOrDefault(assignment.Variant) + 1;
                            }

                            break;
                        case DriverScoreStatus.NoTrips:
                            noTrips++;
                            break;
                        default:
                            failed.Add(new ScoringRunFailure(outcome.DriverId, outcome.Reason ?? outcome.Status.ToString()));
                            break;
                    }
                }

                progress?.Report(new ScoringRunProgress(++chunks, chunk.Ids.Length, chunk.Ids[^1]));
            }
        }
        catch
        {
            // The chunk being prepared is abandoned; wait for it so that nothing runs on after the call returns.
            await stop.CancelAsync().ConfigureAwait(false);
            await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        var finished = await _runs.FinishAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        return new ScoringRunReport(finished, AlreadyFinished: false, scored, noTrips, failed) { ByVariant = byVariant, ShadowScores = shadows };
    }

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

        // Keyset paging on the primary key: each chunk starts after the previous one's last driver.
        await using var command = _dataSource.CreateCommand("SELECT driver_id FROM drivers WHERE driver_id > $1 ORDER BY driver_id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunkSize });
        var ids = new List<long>(chunkSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    // Index of the first selected id above afterDriverId (the ids are sorted ascending).
    private static int FirstAfter(long[] selected, long afterDriverId)
    {
        var index = Array.BinarySearch(selected, afterDriverId);
        return index >= 0 ? index + 1 : ~index;
    }
}
