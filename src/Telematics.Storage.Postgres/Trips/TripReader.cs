using Npgsql;

using Telematics.Features.Schema;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>
/// Reads stored trips for people (one trip, a driver's trips a page at a time, totals by month, distance-weighted
/// feature means over a period). Every query of one driver is served by the <c>UNIQUE (driver_id, started_at)</c> index.
/// </summary>
/// <remarks>Thread-safe. Periods are [from, to) on the trip's start time.</remarks>
public sealed partial class TripReader
{
    /// <summary>The most trips one page holds.</summary>
    public const int MaxPageSize = 500;

    private const string Columns =
        "trip_id, driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the reader.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public TripReader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Reads one trip with its feature vector.</summary>
    /// <param name="tripId">The trip.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The trip, or <see langword="null"/> when there is none with that id.</returns>
    public async Task<StoredTrip?> GetAsync(long tripId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns}, features FROM trips WHERE trip_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tripId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader, reader.GetFieldValue<float[]>(9)) : null;
    }

    /// <summary>Reads a page of a driver's trips that started in [<paramref name="from"/>, <paramref name="to"/>), newest first, without features.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="page">Page number from 1.</param>
    /// <param name="pageSize">Trips per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page; fewer than <paramref name="pageSize"/> trips on the last page.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="page"/> or <paramref name="pageSize"/> is out of range.</exception>
    public async Task<IReadOnlyList<StoredTrip>> ListAsync(long driverId, DateTimeOffset from, DateTimeOffset to, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM trips WHERE driver_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at DESC LIMIT $4 OFFSET $5");
        AddPeriod(command, driverId, from, to);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });
        var trips = new List<StoredTrip>(Math.Min(pageSize, 64));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            trips.Add(Read(reader, null));
        }

        return trips;
    }

    /// <summary>Totals of a driver's trips that started in [<paramref name="from"/>, <paramref name="to"/>), overall and by UTC month.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One row per month with trips, in month order; empty when the driver has none.</returns>
    public async Task<IReadOnlyList<TripTotals>> TotalsByMonthAsync(long driverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT date_trunc('month', started_at AT TIME ZONE 'UTC') AS month, count(*), sum(distance_km), " +
            "sum(extract(epoch FROM ended_at - started_at)) / 3600.0, sum(harsh_brake_count), sum(rapid_accel_count), sum(harsh_corner_count) " +
            "FROM trips WHERE driver_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY 1 ORDER BY 1");
        AddPeriod(command, driverId, from, to);
        var months = new List<TripTotals>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            months.Add(new TripTotals(
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)),
                reader.GetInt64(1),
                reader.GetDouble(2),
                (double)reader.GetDecimal(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6)));
        }

        return months;
    }

    /// <summary>
    /// Distance-weighted mean of each feature over the trips that started in [<paramref name="from"/>, <paramref name="to"/>),
    /// of one driver or of every driver (the population reference). Missing (NaN) values are left out of a feature's mean.
    /// </summary>
    /// <param name="driverId">The driver, or <see langword="null"/> for every driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns><see cref="TelematicsFeatures.Schema"/>-ordered means (NaN where no trip has a value); all NaN without trips.</returns>
    public async Task<float[]> FeatureMeansAsync(long? driverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var means = new float[TelematicsFeatures.Schema.Count];
        Array.Fill(means, float.NaN);
        await using var command = _dataSource.CreateCommand(
            "SELECT u.i, sum(u.f * t.distance_km) FILTER (WHERE u.f <> 'NaN') / nullif(sum(t.distance_km) FILTER (WHERE u.f <> 'NaN'), 0) " +
            "FROM trips t CROSS JOIN LATERAL unnest(t.features) WITH ORDINALITY AS u(f, i) " +
            "WHERE ($1::bigint IS NULL OR t.driver_id = $1) AND t.started_at >= $2 AND t.started_at < $3 GROUP BY u.i");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)driverId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var index = (int)reader.GetInt64(0) - 1;
            if ((uint)index < (uint)means.Length && !reader.IsDBNull(1))
            {
                means[index] = (float)reader.GetDouble(1);
            }
        }

        return means;
    }

    /// <summary>
    /// <see cref="FeatureMeansAsync"/> over every driver's trips that started in [<paramref name="from"/>, <paramref name="to"/>),
    /// with how many distinct drivers those trips are of, read in the same statement (one snapshot): a caller that shows
    /// the means to one driver can withhold those of too few drivers, which would be a few other drivers' own driving.
    /// </summary>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The means as <see cref="FeatureMeansAsync"/> gives them, and the distinct drivers of the period's trips (0 without trips).</returns>
    public async Task<(float[] Means, long Drivers)> PopulationFeatureMeansAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var means = new float[TelematicsFeatures.Schema.Count];
        Array.Fill(means, float.NaN);
        long drivers = 0;
        await using var command = _dataSource.CreateCommand(
            "WITH p AS (SELECT driver_id, distance_km, features FROM trips WHERE started_at >= $1 AND started_at < $2), " +
            "n AS (SELECT count(DISTINCT driver_id) AS drivers FROM p) " +
            "SELECT u.i, sum(u.f * p.distance_km) FILTER (WHERE u.f <> 'NaN') / nullif(sum(p.distance_km) FILTER (WHERE u.f <> 'NaN'), 0), n.drivers " +
            "FROM n LEFT JOIN (p CROSS JOIN LATERAL unnest(p.features) WITH ORDINALITY AS u(f, i)) ON true GROUP BY u.i, n.drivers");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            drivers = reader.GetInt64(2);
            if (reader.IsDBNull(0))
            {
                continue; // the one row of a period without feature values: the count only
            }

            var index = (int)reader.GetInt64(0) - 1;
            if ((uint)index < (uint)means.Length && !reader.IsDBNull(1))
            {
                means[index] = (float)reader.GetDouble(1);
            }
        }

        return (means, drivers);
    }

    private static void AddPeriod(NpgsqlCommand command, long driverId, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
    }

    private static StoredTrip Read(NpgsqlDataReader reader, float[]? features) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
        reader.GetDouble(4),
        reader.GetInt32(5),
        reader.GetInt32(6),
        reader.GetInt32(7),
        reader.GetInt32(8),
        features);
}
