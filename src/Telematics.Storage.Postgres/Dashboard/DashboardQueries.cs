using Telematics.Scoring.Results;
using Npgsql;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Storage.Postgres.Dashboard;

/// <summary>
/// The aggregate reads behind the admin dashboards: a book summary, the distribution of the drivers' latest scores and
/// trips per day. Read-only and thread-safe; every value is a parameter.
/// </summary>
/// <remarks>
/// "Latest score (premium) per driver in a period" is one probe of <c>risk_scores_driver_time_idx</c>
/// (<c>premiums_driver_time_idx</c>) per driver through a LATERAL LIMIT 1, so its cost grows with the number of drivers,
/// not with the number of scores kept. Trips in a period are read through <c>trips_started_at_idx</c> (migration 0005).
/// </remarks>
public sealed class DashboardQueries
{
    /// <summary>Width of a score bucket of <see cref="RiskDistribution.Histogram"/>, in score points.</summary>
    public const int HistogramBucketWidth = 10;

    internal const string LatestScorePerDriver = """
        SELECT ls.score, ls.category
        FROM drivers d
        CROSS JOIN LATERAL (
            SELECT r.score, r.category FROM risk_scores r
            WHERE r.driver_id = d.driver_id AND r.scored_at >= $1 AND r.scored_at < $2
            ORDER BY r.scored_at DESC, r.score_id DESC LIMIT 1) ls
        """;

    internal const string TripsInPeriodSql = "SELECT count(*), coalesce(sum(distance_km), 0) FROM trips WHERE started_at >= $1 AND started_at < $2";

    internal const string LatestPremiumsSql = """
        SELECT lp.currency, count(*), sum(lp.final_amount)
        FROM drivers d
        CROSS JOIN LATERAL (
            SELECT p.currency, p.final_amount FROM premiums p
            WHERE p.driver_id = d.driver_id AND p.effective_at >= $1 AND p.effective_at < $2
            ORDER BY p.effective_at DESC, p.premium_id DESC LIMIT 1) lp
        GROUP BY lp.currency
        ORDER BY lp.currency
        """;

    internal const string TripActivitySql = """
        SELECT (started_at AT TIME ZONE 'UTC')::date AS day, count(*), sum(distance_km)
        FROM trips
        WHERE started_at >= $1 AND started_at < $2
        GROUP BY day
        ORDER BY day
        """;

    private const string ScoredSql = "SELECT count(*), avg(score) FROM (" + LatestScorePerDriver + ") latest";

    private const string DistributionSql =
        "SELECT least(width_bucket(score, 0, 100, 10), 10) - 1, category, count(*) FROM (" + LatestScorePerDriver + ") latest GROUP BY 1, 2";

    /// <summary>The largest page of <see cref="ListDriversAsync"/>.</summary>
    public const int MaxDriverPageSize = 200;

    // Each driver's latest score, premium and trip: one index probe each (risk_scores_driver_time_idx,
    // premiums_driver_time_idx, the trips UNIQUE (driver_id, started_at) index) per driver of the ordered set. The score's
    // interval ends come from the same heap row as its score and category: no extra read.
    private const string BookDriversSql = """
        SELECT d.driver_id, d.display_name, d.external_ref, s.score, s.category, p.final_amount, p.currency, t.started_at, d.region, d.age_band, d.vehicle_class,
               s.score_low, s.score_high
        FROM drivers d
        LEFT JOIN LATERAL (SELECT r.score, r.category, r.score_low, r.score_high FROM risk_scores r WHERE r.driver_id = d.driver_id ORDER BY r.scored_at DESC, r.score_id DESC LIMIT 1) s ON true
        LEFT JOIN LATERAL (SELECT pr.final_amount, pr.currency FROM premiums pr WHERE pr.driver_id = d.driver_id ORDER BY pr.effective_at DESC, pr.premium_id DESC LIMIT 1) p ON true
        LEFT JOIN LATERAL (SELECT tr.started_at FROM trips tr WHERE tr.driver_id = d.driver_id ORDER BY tr.started_at DESC LIMIT 1) t ON true
        WHERE ($1::text IS NULL OR strpos(lower(d.display_name), lower($1)) > 0)
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the queries.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public DashboardQueries(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Reads drivers, trips, km, scored drivers, mean latest score and premium totals over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">Inclusive start.</param>
    /// <param name="to">Exclusive end, after <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The summary, read in one round trip.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public async Task<DashboardSummary> ReadSummaryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        CheckPeriod(from, to);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT count(*) FROM drivers"));
        batch.BatchCommands.Add(Period(TripsInPeriodSql, from, to));
        batch.BatchCommands.Add(Period(ScoredSql, from, to));
        batch.BatchCommands.Add(Period(LatestPremiumsSql, from, to));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var drivers = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var trips = reader.GetInt64(0);
        var km = reader.GetDouble(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var scored = reader.GetInt64(0);
        double? mean = reader.IsDBNull(1) ? null : reader.GetDouble(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var premiums = new List<PremiumTotal>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            premiums.Add(new PremiumTotal(reader.GetString(0), reader.GetInt64(1), reader.GetDecimal(2)));
        }

        return new DashboardSummary(drivers, trips, km, scored, mean, premiums);
    }

    /// <summary>Reads the histogram and category counts of each driver's latest score in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">Inclusive start.</param>
    /// <param name="to">Exclusive end, after <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The distribution; all counts zero when no driver was scored.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public async Task<RiskDistribution> ReadRiskDistributionAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        CheckPeriod(from, to);
        await using var command = _dataSource.CreateCommand(DistributionSql);
        AddPeriod(command.Parameters, from, to);
        var histogram = new long[100 / HistogramBucketWidth];
        var categories = new long[5];
        long scored = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt64(2);
            histogram[reader.GetInt32(0)] += count;
            categories[reader.GetInt16(1)] += count;
            scored += count;
        }

        return new RiskDistribution(scored, histogram, categories);
    }

    /// <summary>Reads trips and km per UTC day of [<paramref name="from"/>, <paramref name="to"/>), with zero days filled in.</summary>
    /// <param name="from">Inclusive start.</param>
    /// <param name="to">Exclusive end, after <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One entry per UTC day the period touches, oldest first.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>, or the period spans more than 3,660 days.</exception>
    public async Task<IReadOnlyList<TripActivityDay>> ReadTripActivityAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        CheckPeriod(from, to);
        var first = DateOnly.FromDateTime(from.UtcDateTime);
        var last = DateOnly.FromDateTime(to.UtcDateTime.AddTicks(-1));
        var days = last.DayNumber - first.DayNumber + 1;
        if (days > 3_660)
        {
            throw new ArgumentException("The period spans more than 3,660 days.", nameof(to));
        }

        var activity = new TripActivityDay[days];
        for (var i = 0; i < days; i++)
        {
            activity[i] = new TripActivityDay(first.AddDays(i), 0, 0);
        }

        await using var command = _dataSource.CreateCommand(TripActivitySql);
        AddPeriod(command.Parameters, from, to);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var day = reader.GetFieldValue<DateOnly>(0);
            activity[day.DayNumber - first.DayNumber] = new TripActivityDay(day, reader.GetInt64(1), reader.GetDouble(2));
        }

        return activity;
    }

    private static void CheckPeriod(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }
    }

    private static NpgsqlBatchCommand Period(string sql, DateTimeOffset from, DateTimeOffset to)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddPeriod(command.Parameters, from, to);
        return command;
    }

    /// <summary>Reads a page of the book's drivers with each one's latest score, premium and trip, in the order asked.</summary>
    /// <param name="query">Filter, order and page.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The page and the number of matching drivers, read in one round trip.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page or page size is out of range.</exception>
    public async Task<BookDriverPage> ListDriversAsync(BookDriverQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, MaxDriverPageSize);

        // The order is chosen from this switch, never from caller text; ties (and missing values, last) go by id.
        var column = query.Sort switch
        {
            BookDriverSort.Name => "d.display_name",
            BookDriverSort.Score => "s.score",
            BookDriverSort.Premium => "p.final_amount",
            BookDriverSort.LastTrip => "t.started_at",
            _ => "d.driver_id",
        };
        var direction = query.Descending ? "DESC" : "ASC";
        var name = new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = string.IsNullOrEmpty(query.Name) ? DBNull.Value : query.Name };
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT count(*) FROM drivers d WHERE ($1::text IS NULL OR strpos(lower(d.display_name), lower($1)) > 0)") { Parameters = { name } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BookDriversSql + $" ORDER BY {column} {direction} NULLS LAST, d.driver_id {direction} LIMIT $2 OFFSET $3")
        {
            Parameters =
            {
                name.Clone(),
                new NpgsqlParameter<int> { TypedValue = query.PageSize },
                new NpgsqlParameter<long> { TypedValue = (long)(query.Page - 1) * query.PageSize },
            },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<BookDriver>(query.PageSize);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new BookDriver(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : (RiskCategory)reader.GetInt16(4),
                reader.IsDBNull(5) ? null : reader.GetDecimal(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10))
            {
                Interval = IntervalColumns.Read(reader, 11),
            });
        }

        return new BookDriverPage(total, items);
    }

    private static void AddPeriod(NpgsqlParameterCollection parameters, DateTimeOffset from, DateTimeOffset to)
    {
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
    }
}
