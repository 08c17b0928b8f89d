using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Schema;
using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Trips;

/// <summary>Writes closed trips with their feature vectors and reads trip features back for scoring.</summary>
/// <remarks>Thread-safe. Vectors follow <see cref="TelematicsFeatures.Schema"/> (29 floats).</remarks>
public sealed partial class TripRepository
{
    private const string Select = "SELECT driver_id, trip_id, started_at, features FROM trips";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the repository.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for audit rows.</param>
    public TripRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Number of features in each vector: the size of <see cref="TelematicsFeatures.Schema"/>.</summary>
    public static int FeatureCount => TelematicsFeatures.Schema.Count;

    /// <summary>Reads the trips of one driver that started in [<paramref name="from"/>, <paramref name="to"/>), in one round trip.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The trips in start order.</returns>
    public async Task<TripFeatureMatrix> ReadDriverTripFeaturesAsync(long driverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(Select + " WHERE driver_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        var builder = new MatrixBuilder(16, FeatureCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            builder.Add(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTime>(2), reader.GetFieldValue<float[]>(3));
        }

        return builder.Build();
    }

    /// <summary>
    /// Reads the trips of many drivers that started in [<paramref name="from"/>, <paramref name="to"/>) through
    /// <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c>: the ids go up by binary COPY into a temporary table.
    /// </summary>
    /// <param name="driverIds">The drivers (any number; duplicates are harmless).</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The trips ordered by driver and start.</returns>
    public Task<TripFeatureMatrix> ReadTripFeaturesForDriversAsync(ReadOnlyMemory<long> driverIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        CopyForDriversAsync(
            driverIds,
            "features",
            from,
            to,
            // The raw stream is decoded straight into the matrix (no float[] per trip): see TripFeatureCopyReader.
            (copy, ct) => TripFeatureCopyReader.ReadAsync(copy, driverIds.Length, FeatureCount, TripFeatureCopyReader.DefaultBufferSize, ct),
            cancellationToken);

    /// <summary>
    /// The vectors of many drivers over [<paramref name="from"/>, <paramref name="to"/>), each combined exactly from the
    /// stored states of its trips that started in the period (see <see cref="DriverVectorMatrix"/>), read through
    /// <c>COPY (SELECT …) TO STDOUT (FORMAT BINARY)</c> and combined as the rows stream in.
    /// </summary>
    /// <param name="driverIds">The drivers (any number; duplicates are harmless).</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A row per driver with trips in the period, by ascending driver id.</returns>
    public Task<DriverVectorMatrix> ReadDriverVectorsAsync(ReadOnlyMemory<long> driverIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        CopyForDriversAsync(
            driverIds,
            "state",
            from,
            to,
            async (copy, ct) =>
            {
                var builder = new DriverVectorBuilder(driverIds.Length);
                await TripCopyStream.ReadAsync(copy, builder, "state", TripCopyStream.DefaultBufferSize, ct).ConfigureAwait(false);
                return builder.Build();
            },
            cancellationToken);

    /// <summary>The vector of one driver over [<paramref name="from"/>, <paramref name="to"/>), as <see cref="ReadDriverVectorsAsync"/>, in one round trip.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One row when the driver has trips in the period, else none.</returns>
    public async Task<DriverVectorMatrix> ReadDriverVectorAsync(long driverId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT trip_id, state FROM trips WHERE driver_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        var builder = new DriverVectorBuilder(1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var isNull = reader.IsDBNull(1);
            var state = isNull ? [] : reader.GetFieldValue<byte[]>(1);
            builder.Add(driverId, reader.GetInt64(0), 0, state, isNull);
        }

        return builder.Build();
    }

    // The ids go up by binary COPY into a temporary table; the trips come back by COPY in driver and start order.
    private async Task<T> CopyForDriversAsync<T>(
        ReadOnlyMemory<long> driverIds, string column, DateTimeOffset from, DateTimeOffset to, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS scoring_drivers (driver_id bigint NOT NULL) ON COMMIT DELETE ROWS", connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var ids = await connection.BeginBinaryImportAsync("COPY scoring_drivers (driver_id) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < driverIds.Length; i++)
            {
                ids.StartRow();
                ids.Write(driverIds.Span[i], NpgsqlDbType.Bigint);
            }

            await ids.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE scoring_drivers", connection, transaction))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // COPY takes no parameters: the bounds are rendered here from typed values, never from caller text; the column is ours.
        var sql = string.Create(
            CultureInfo.InvariantCulture,
            $"COPY (SELECT t.driver_id, t.trip_id, t.started_at, t.{column} FROM trips t WHERE t.driver_id IN (SELECT driver_id FROM scoring_drivers) " +
            $"AND t.started_at >= '{Literal(from)}' AND t.started_at < '{Literal(to)}' ORDER BY t.driver_id, t.started_at) TO STDOUT (FORMAT BINARY)");
        T result;
        await using (var copy = await connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false))
        {
            result = await read(copy, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    internal static string Literal(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);

    private sealed class MatrixBuilder(int capacity, int width)
    {
        private long[] _drivers = new long[capacity];
        private long[] _trips = new long[capacity];
        private long[] _started = new long[capacity];
        private float[] _features = new float[capacity * width];
        private int _count;

        public void Add(long driverId, long tripId, DateTime startedAt, float[] features)
        {
            if (_count == _drivers.Length)
            {
                var size = _count * 2;
                Array.Resize(ref _drivers, size);
                Array.Resize(ref _trips, size);
                Array.Resize(ref _started, size);
                Array.Resize(ref _features, size * width);
            }

            _drivers[_count] = driverId;
            _trips[_count] = tripId;
            _started[_count] = PostgresTimestamp.UnixMs(startedAt);
            features.AsSpan(0, Math.Min(width, features.Length)).CopyTo(_features.AsSpan(_count * width, width));
            _count++;
        }

        public TripFeatureMatrix Build() => new(_count, _drivers, _trips, _started, _features, width);
    }
}
