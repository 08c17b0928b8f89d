using System.Globalization;

using Telematics.Scoring.Batch;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Scoring;

/// <content>The store step: a prepared chunk's rows, audit row and run progress in one transaction.</content>
public sealed partial class StoredDriverScorer
{
    /// <summary>
    /// Stores a prepared chunk in one transaction: scores, premiums, the audit row and, for a run, its progress. The
    /// chunk's outcomes are updated with their ids only once the transaction committed.
    /// </summary>
    /// <param name="chunk">What <see cref="PrepareAsync"/> computed.</param>
    /// <param name="actor">Recorded on the audit row.</param>
    /// <param name="runId">The run whose progress the chunk advances; null outside a run.</param>
    /// <param name="commitAfter">
    /// The store of the chunk before this one, when both are written at once: the rows are written first, then this waits
    /// for it, and only then appends the audit row, advances the run and commits. If it failed or was cancelled, this
    /// chunk rolls back, so chunks commit strictly in order. Null to commit as soon as the rows are written.
    /// </param>
    /// <param name="cancellationToken">Rolls the transaction back.</param>
    internal async Task<StoredBatchResult> StoreAsync(PreparedChunk chunk, AuditActor actor, string? runId, Task? commitAfter, CancellationToken cancellationToken)
    {
        var ids = chunk.Ids;
        var outcomes = chunk.Outcomes;
        // Whole microseconds, so the outcome's ScoredAt equals the stored scored_at.
        var now = PostgresTimestamp.StoredPrecision(_timeProvider.GetUtcNow());
        DriverScoreOutcome[] stored;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            stored = await ScoreBatchWriter.WriteAsync(connection, transaction, chunk.Scored, now, chunk.From, chunk.To, cancellationToken).ConfigureAwait(false);
            await ShadowScoreWriter.WriteAsync(connection, stored, now, chunk.From, chunk.To, cancellationToken).ConfigureAwait(false);

            // The audit chain and the run's progress take row locks held until commit: only the chunk whose predecessor
            // has committed goes on, so two chunks' rows can be written side by side without waiting on each other.
            if (commitAfter is not null)
            {
                await AwaitPredecessorAsync(commitAfter, ids[0], cancellationToken).ConfigureAwait(false);
            }

            if (stored.Length > 0 || runId is not null)
            {
                var (action, resource, after) = Audit(ids, outcomes, stored, chunk.From, chunk.To, runId);
                await AuditWriter.AppendAsync(connection, transaction, now, actor, action, resource, null, after, cancellationToken).ConfigureAwait(false);
            }

            if (runId is not null)
            {
                await ScoringRunRepository.AdvanceAsync(connection, transaction, runId, ids[^1], stored.Length, ids.Length - stored.Length, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < stored.Length; i++)
        {
            outcomes[chunk.ScoredPositions[i]] = stored[i];
        }

        var failures = new List<BatchScoreFailure>();
        for (var k = 0; k < outcomes.Length; k++)
        {
            if (outcomes[k].Status != DriverScoreStatus.Scored)
            {
                failures.Add(new BatchScoreFailure(k, ids[k].ToString(CultureInfo.InvariantCulture), outcomes[k].Reason!));
            }
        }

        // The scoring summary covers the scored drivers; the count and failures also cover those never scored.
        var summary = chunk.Summary with { Count = ids.Length, Failures = failures.Count };
        return new StoredBatchResult(outcomes, failures, summary);
    }

    // Returns once the previous chunk committed; throws (so this chunk rolls back) if it did not.
    private static async Task AwaitPredecessorAsync(Task predecessor, long firstDriverId, CancellationToken cancellationToken)
    {
        try
        {
            await predecessor.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(
                string.Create(CultureInfo.InvariantCulture, $"The chunk starting at driver {firstDriverId} was not committed: the chunk before it was not stored."),
                exception);
        }
    }

    private static (string Action, string Resource, string After) Audit(long[] ids, DriverScoreOutcome[] outcomes, DriverScoreOutcome[] stored, DateTimeOffset from, DateTimeOffset to, string? runId)
    {
        if (ids.Length == 1 && runId is null)
        {
            var one = stored[0];
            return ("score.recalculate",
                string.Create(CultureInfo.InvariantCulture, $"driver/{one.DriverId}/score/{one.ScoreId}"),
                string.Create(CultureInfo.InvariantCulture,
                    $"{{\"score_id\":{one.ScoreId},\"score\":{one.Score!.Score:R},\"model\":\"{one.Score.ModelName}@{one.Score.ModelVersion}\",\"premium_id\":{one.PremiumId},\"final_amount\":{one.Quote!.Premium}}}"));
        }

        var resource = runId is null ? "scoring/batch" : "scoring/run/" + runId;
        return ("score.batch", resource, string.Create(CultureInfo.InvariantCulture,
            $"{{\"drivers\":{outcomes.Length},\"scored\":{stored.Length},\"first_driver_id\":{ids[0]},\"last_driver_id\":{ids[^1]},\"period_start\":\"{from.UtcDateTime:O}\",\"period_end\":\"{to.UtcDateTime:O}\"}}"));
    }
}
