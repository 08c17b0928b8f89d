using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Scoring;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// Writes the shadow scores of stored drivers (<see cref="Telematics.Scoring.Results.RiskScore.ShadowScores"/>) into
/// <c>shadow_scores</c> inside the caller's transaction by binary COPY, each row pointing at the served
/// <c>risk_scores</c> row it was scored with, with the shadow model's interval (null without sampling noise); nothing is
/// sent when no driver has a shadow score.
/// </summary>
internal static class ShadowScoreWriter
{
    private const string Copy =
        "COPY shadow_scores (score_id, variant, driver_id, scored_at, period_start, period_end, experiment, model_name, model_version, " +
        "score, category, raw_output, score_low, score_high) FROM STDIN (FORMAT BINARY)";

    /// <summary>Stores every shadow score of <paramref name="stored"/>, whose served scores got the ids <paramref name="scoreIds"/>.</summary>
    /// <returns>The number of rows written.</returns>
    public static async Task<int> WriteAsync(
        NpgsqlConnection connection, IReadOnlyList<DriverScoreOutcome> stored, long[] scoreIds, DateTimeOffset scoredAt, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var rows = 0;
        for (var i = 0; i < stored.Count; i++)
        {
            rows += stored[i].Score?.ShadowScores.Count ?? 0;
        }

        if (rows == 0)
        {
            return 0;
        }

        // COPY runs in the connection's open transaction: it commits or rolls back with the served rows.
        await using var copy = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < stored.Count; i++)
        {
            var outcome = stored[i];
            if (outcome.Score is not { } served)
            {
                continue;
            }

            foreach (var shadow in served.ShadowScores)
            {
                // ExperimentScorer only makes shadow scores inside an experiment, and tags each with it.
                var assignment = shadow.Experiment!.Value;
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoreIds[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(assignment.Variant, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(outcome.DriverId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(scoredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(from.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(to.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(assignment.Experiment, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(shadow.ModelName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(shadow.ModelVersion, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(shadow.Score, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync((short)shadow.Category, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(shadow.RawOutput, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await IntervalColumns.WriteAsync(copy, shadow.Interval, cancellationToken).ConfigureAwait(false);
            }
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
