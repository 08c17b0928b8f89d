using Npgsql;

using Telematics.Storage.Postgres.Experiments;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>Per-shadow-variant statistics of an experiment, read from <c>shadow_scores</c> beside the served <c>risk_scores</c>.</summary>
/// <remarks>
/// Thread-safe. Each driver counts once, with its latest served score of the experiment in the period (as in
/// <see cref="Experiments.ExperimentMetricsQuery"/>) and the shadow scores stored with that score: the range is read
/// through <c>risk_scores_experiment_time_idx</c> and the shadows through the <c>shadow_scores</c> key.
/// </remarks>
public sealed class ShadowMetricsQuery
{
    internal static readonly string Sql = $$"""
        WITH latest AS (
            SELECT DISTINCT ON (driver_id) score_id, category, score_low, score_high
            FROM risk_scores
            WHERE experiment = $1 AND scored_at >= $2 AND scored_at < $3
            ORDER BY driver_id, scored_at DESC, score_id DESC
        )
        SELECT s.variant, count(*), avg(s.score), count(*) FILTER (WHERE s.category = l.category)::float8 / count(*),
            count(*) FILTER (WHERE s.score_low IS NOT NULL AND l.score_low IS NOT NULL),
            count(*) FILTER (WHERE s.category <> l.category
                AND {{Band("s.score_low")}} = {{Band("s.score_high")}} AND {{Band("l.score_low")}} = {{Band("l.score_high")}})
        FROM latest l
        JOIN shadow_scores s ON s.score_id = l.score_id
        GROUP BY s.variant
        ORDER BY s.variant
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the query.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public ShadowMetricsQuery(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Reads the statistics of each shadow variant of <paramref name="experiment"/> over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="experiment">The experiment name as recorded on the scores.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per shadow variant scored beside a driver's latest served score in the period, by variant name; empty when none was.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public async Task<IReadOnlyList<ShadowVariantMetrics>> ReadAsync(string experiment, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = ExperimentPeriodCommand.Create(_dataSource, Sql, experiment, from, to);
        var list = new List<ShadowVariantMetrics>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var withIntervals = reader.GetInt64(4);
            list.Add(new ShadowVariantMetrics(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3))
            {
                SettledDisagreementShare = withIntervals == 0 ? null : (double)reader.GetInt64(5) / withIntervals,
            });
        }

        return list;
    }

    // RiskCategories.FromScore in SQL: how many of the bands' upper bounds (20, 40, 60, 80, inclusive) a score lies above.
    // Null for a null end, so a score without an interval never counts as settled.
    private static string Band(string score) => $"(({score} > 20)::int + ({score} > 40)::int + ({score} > 60)::int + ({score} > 80)::int)";
}
