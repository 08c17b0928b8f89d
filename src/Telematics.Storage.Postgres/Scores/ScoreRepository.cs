using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Storage.Postgres.Scores;

/// <summary>Stores risk scores (with an audit row each) and reads a driver's score history and monthly trend.</summary>
/// <remarks>Thread-safe. History and trend use the index on (driver_id, scored_at DESC).</remarks>
public sealed class ScoreRepository
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the repository.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for audit rows.</param>
    public ScoreRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Stores a score and its audit row (action <c>score.record</c>) in one transaction.</summary>
    /// <param name="score">The score.</param>
    /// <param name="actor">Who scored (e.g. the batch job).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new score id.</returns>
    /// <exception cref="PostgresException">The driver does not exist (23503) or the score or its interval is outside 0–100 (23514).</exception>
    public async Task<long> AddAsync(RiskScoreRecord score, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(score);
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        long id;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO risk_scores (driver_id, scored_at, period_start, period_end, score, category, raw_output, model_name, model_version, experiment, variant, features, contributions, out_of_range_share, score_low, score_high, observed_days) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING score_id",
            connection,
            transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = score.DriverId });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = score.ScoredAt.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = score.PeriodStart.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = score.PeriodEnd.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = score.Score });
            insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)score.Category });
            insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = score.RawOutput });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = score.ModelName });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = score.ModelVersion });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)score.Experiment ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)score.Variant ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = score.Features });
            insert.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = score.Contributions });
            insert.Parameters.Add(new NpgsqlParameter { Value = score.OutOfRangeShare is { } share ? (float)share : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
            insert.Parameters.Add(new NpgsqlParameter { Value = score.Interval?.Low is { } low ? (float)low : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
            insert.Parameters.Add(new NpgsqlParameter { Value = score.Interval?.High is { } high ? (float)high : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
            insert.Parameters.Add(new NpgsqlParameter { Value = score.ObservedDays is { } days ? (float)days : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var after = string.Create(CultureInfo.InvariantCulture, $"{{\"score_id\":{id},\"score\":{score.Score:R},\"category\":\"{score.Category}\"}}");
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "score.record",
            string.Create(CultureInfo.InvariantCulture, $"driver/{score.DriverId}/score/{id}"), null, after, cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Reads a driver's latest scores, newest first.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="limit">Maximum scores returned, 1–10 000.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The scores.</returns>
    public async Task<IReadOnlyList<RiskScoreRecord>> HistoryAsync(long driverId, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {ScoreRows.Columns} FROM risk_scores WHERE driver_id = $1 ORDER BY {ScoreRows.NewestFirst} LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var scores = new List<RiskScoreRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            scores.Add(ScoreRows.Map(reader));
        }

        return scores;
    }

    /// <summary>Mean score per UTC month for a driver over [<paramref name="from"/>, <paramref name="to"/>), oldest month first.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start.</param>
    /// <param name="to">Exclusive end.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One point per month that has scores.</returns>
    public async Task<IReadOnlyList<ScoreTrendPoint>> TrendAsync(long driverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT date_trunc('month', scored_at AT TIME ZONE 'UTC') AS month, avg(score), count(*)::int FROM risk_scores " +
            "WHERE driver_id = $1 AND scored_at >= $2 AND scored_at < $3 GROUP BY month ORDER BY month");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        var points = new List<ScoreTrendPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var month = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc);
            points.Add(new ScoreTrendPoint(new DateTimeOffset(month), reader.GetDouble(1), reader.GetInt32(2)));
        }

        return points;
    }
}
