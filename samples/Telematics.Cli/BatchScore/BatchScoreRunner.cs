using Npgsql;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Cli.BatchScore;

/// <summary>What a batch-score invocation did.</summary>
/// <param name="Run">The run as stored at the end (finished, or where it stopped).</param>
/// <param name="AlreadyFinished">The run had finished before this invocation, which wrote nothing.</param>
/// <param name="Scored">Drivers scored by this invocation.</param>
/// <param name="NoTrips">Drivers skipped by this invocation because they had no trips in the period.</param>
/// <param name="Failed">Drivers this invocation could not score (unknown id, model failure), with the reason.</param>
internal sealed record BatchScoreReport(ScoringRun Run, bool AlreadyFinished, int Scored, int NoTrips, IReadOnlyList<(long DriverId, string Reason)> Failed)
{
    /// <summary>Drivers scored per experiment variant that served them, by variant name; empty outside an experiment.</summary>
    public IReadOnlyDictionary<string, int> ByVariant { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Shadow scores stored beside the served ones.</summary>
    public int ShadowScores { get; init; }
}

/// <summary>One committed chunk, for progress.</summary>
/// <param name="Chunk">Chunks committed by this invocation so far.</param>
/// <param name="Drivers">Drivers in this chunk.</param>
/// <param name="LastDriverId">Highest driver id of the chunk.</param>
internal readonly record struct ChunkDone(int Chunk, int Drivers, long LastDriverId);

/// <summary>
/// Runs <c>telematics batch-score</c>: drivers in ascending id order, one chunk per transaction (scores, premiums,
/// audit row and run progress together), so that an interrupted run resumes after its last committed chunk.
/// </summary>
internal sealed class BatchScoreRunner(NpgsqlDataSource dataSource, StoredDriverScorer scorer, ScoringRunRepository runs, AuditActor actor)
{
    /// <summary>Drivers left after <paramref name="afterDriverId"/>: all stored drivers, or the selected ones.</summary>
    public async Task<int> CountRemainingAsync(long[]? selected, long afterDriverId, CancellationToken cancellationToken)
    {
        if (selected is not null)
        {
            return selected.Count(id => id > afterDriverId);
        }

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM drivers WHERE driver_id > $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Scores every driver of <paramref name="run"/> after its last committed chunk, then marks it finished.</summary>
    /// <param name="run">The run, started or resumed.</param>
    /// <param name="selected">The selected driver ids, sorted and distinct; null for all drivers.</param>
    /// <param name="chunkSize">Drivers per chunk (and transaction).</param>
    /// <param name="progress">Told after each committed chunk.</param>
    /// <param name="cancellationToken">Stops between or inside chunks; a chunk not committed leaves no trace.</param>
    /// <exception cref="OperationCanceledException">Cancelled; the run stays resumable.</exception>
    public async Task<BatchScoreReport> RunAsync(ScoringRun run, long[]? selected, int chunkSize, IProgress<ChunkDone>? progress, CancellationToken cancellationToken)
    {
        if (run.IsFinished)
        {
            return new BatchScoreReport(run, AlreadyFinished: true, 0, 0, []);
        }

        var scored = 0;
        var noTrips = 0;
        var failed = new List<(long, string)>();
        var last = run.LastDriverId;
        var chunks = 0;
        var byVariant = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var shadows = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = await NextChunkAsync(selected, last, chunkSize, cancellationToken);
            if (chunk.Length == 0)
            {
                break;
            }

            var result = await scorer.ScoreRunChunkAsync(run.RunId, chunk, run.PeriodStart, run.PeriodEnd, actor, cancellationToken);
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
                        failed.Add((outcome.DriverId, outcome.Reason ?? outcome.Status.ToString()));
                        break;
                }
            }

            last = chunk[^1];
            progress?.Report(new ChunkDone(++chunks, chunk.Length, last));
        }

        var finished = await runs.FinishAsync(run.RunId, cancellationToken);
        return new BatchScoreReport(finished, AlreadyFinished: false, scored, noTrips, failed) { ByVariant = byVariant, ShadowScores = shadows };
    }

    private async Task<long[]> NextChunkAsync(long[]? selected, long afterDriverId, int chunkSize, CancellationToken cancellationToken)
    {
        if (selected is not null)
        {
            var start = Array.BinarySearch(selected, afterDriverId);
            start = start >= 0 ? start + 1 : ~start;
            return selected[start..Math.Min(selected.Length, start + chunkSize)];
        }

        // Keyset paging on the primary key: each chunk starts after the last committed driver.
        await using var command = dataSource.CreateCommand("SELECT driver_id FROM drivers WHERE driver_id > $1 ORDER BY driver_id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunkSize });
        var ids = new List<long>(chunkSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }
}
