using Npgsql;

namespace Telematics.Storage.Postgres.Experiments;

/// <summary>Per-variant score statistics of an experiment, read from <c>risk_scores</c>.</summary>
/// <remarks>
/// Thread-safe. Each driver counts once, with its latest score of the experiment in the period, under the variant that
/// served it. Shadow scores are stored apart, in <c>shadow_scores</c> (see <c>ShadowMetricsQuery</c>), so only served variants appear. The range is read
/// through <c>risk_scores_experiment_time_idx</c>.
/// </remarks>
public sealed class ExperimentMetricsQuery
{
    internal const string Sql = """
        WITH latest AS (
            SELECT DISTINCT ON (driver_id) driver_id, coalesce(variant, '') AS variant, score, category
            FROM risk_scores
            WHERE experiment = $1 AND scored_at >= $2 AND scored_at < $3
            ORDER BY driver_id, scored_at DESC, score_id DESC
        )
        SELECT variant, count(*), avg(score),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY score),
               percentile_cont(0.95) WITHIN GROUP (ORDER BY score),
               count(*) FILTER (WHERE category = 0), count(*) FILTER (WHERE category = 1), count(*) FILTER (WHERE category = 2),
               count(*) FILTER (WHERE category = 3), count(*) FILTER (WHERE category = 4)
        FROM latest
        GROUP BY variant
        ORDER BY variant
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the query.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public ExperimentMetricsQuery(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Reads the statistics of each variant of <paramref name="experiment"/> over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="experiment">The experiment name as recorded on the scores.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per variant that served a score in the period, by variant name; empty when none did.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public async Task<IReadOnlyList<VariantMetrics>> ReadAsync(string experiment, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = ExperimentPeriodCommand.Create(_dataSource, Sql, experiment, from, to);
        var list = new List<VariantMetrics>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var categories = new long[5];
            for (var c = 0; c < categories.Length; c++)
            {
                categories[c] = reader.GetInt64(5 + c);
            }

            list.Add(new VariantMetrics(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), categories));
        }

        return list;
    }
}
