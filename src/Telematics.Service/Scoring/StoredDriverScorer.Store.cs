using System.Globalization;

using Telematics.Scoring.Batch;
using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <content>The store step: a prepared chunk's rows, audit row and run progress, all or nothing.</content>
public sealed partial class StoredDriverScorer
{
    /// <summary>
    /// Stores a prepared chunk all or nothing (<see cref="IScoreStore.StoreAsync"/>): scores, premiums, the audit row and, for a run, its progress. The
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
        actor.Validate();
        var ids = chunk.Ids;
        var outcomes = chunk.Outcomes;
        var scored = chunk.Scored;
        // Whole microseconds, what a timestamp column keeps: the outcome's ScoredAt then equals the stored one.
        var now = WholeMicroseconds(_timeProvider.GetUtcNow());
        var write = new ScoreChunkWrite
        {
            Scored = scored,
            From = chunk.From,
            To = chunk.To,
            ScoredAt = now,
            Actor = actor,
            Audit = stored => scored.Count > 0 || runId is not null ? Audit(ids, outcomes.Length, scored, stored, chunk.From, chunk.To, runId) : null,
            Run = runId is null ? null : new ScoringRunAdvance(runId, ids[^1], scored.Count, ids.Length - scored.Count) { NoTrips = NoTrips(outcomes) },
            CommitAfter = commitAfter,
        };
        var storedIds = await _store.StoreAsync(write, cancellationToken).ConfigureAwait(false);
        var stored = new DriverScoreOutcome[scored.Count];
        for (var i = 0; i < scored.Count; i++)
        {
            stored[i] = WithIds(scored[i], storedIds.ScoreIds[i], storedIds.PremiumIds[i], now);
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

        // The summary covers the stored drivers (PrepareAsync); the count and failures also cover those never stored.
        var summary = chunk.Summary with { Count = ids.Length, Failures = failures.Count };
        return new StoredBatchResult(outcomes, failures, summary);
    }

    // Not failures, though not scored either: the run counts them apart so that its failures can be told afterwards.
    private static int NoTrips(DriverScoreOutcome[] outcomes)
    {
        var count = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.Status == DriverScoreStatus.NoTrips)
            {
                count++;
            }
        }

        return count;
    }

    private static DateTimeOffset WholeMicroseconds(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMicrosecond), time.Offset);

    private static AuditChange Audit(long[] ids, int drivers, List<DriverScoreOutcome> scored, StoredScoreIds stored, DateTimeOffset from, DateTimeOffset to, string? runId)
    {
        if (ids.Length == 1 && runId is null)
        {
            var one = scored[0];
            var scoreId = stored.ScoreIds[0];
            return new AuditChange("score.recalculate",
                string.Create(CultureInfo.InvariantCulture, $"driver/{one.DriverId}/score/{scoreId}"),
                string.Create(CultureInfo.InvariantCulture,
                    $"{{\"score_id\":{scoreId},\"score\":{one.Score!.Score:R},\"model\":\"{one.Score.ModelName}@{one.Score.ModelVersion}\",\"premium_id\":{stored.PremiumIds[0]},\"final_amount\":{one.Quote!.Premium}}}"));
        }

        var resource = runId is null ? "scoring/batch" : "scoring/run/" + runId;
        return new AuditChange("score.batch", resource, string.Create(CultureInfo.InvariantCulture,
            $"{{\"drivers\":{drivers},\"scored\":{scored.Count},\"first_driver_id\":{ids[0]},\"last_driver_id\":{ids[^1]},\"period_start\":\"{from.UtcDateTime:O}\",\"period_end\":\"{to.UtcDateTime:O}\"}}"));
    }
}
