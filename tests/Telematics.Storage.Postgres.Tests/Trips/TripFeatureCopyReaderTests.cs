using Npgsql;

using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Trips;

public sealed class TripFeatureCopyReaderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const int Drivers = 1_500;
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        await MigrateAsync(database);
        await using var seed = database.DataSource.CreateCommand($"""
            INSERT INTO drivers (driver_id, external_ref, display_name, created_at, updated_at)
            SELECT g, 'copy-' || g, 'Driver ' || g, now(), now() FROM generate_series(1, {Drivers}) g ON CONFLICT DO NOTHING;
            INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, feature_schema, feature_version, features)
            SELECT g, '2026-01-03'::timestamptz + (g % 200) * interval '1 hour' + CASE k WHEN 2 THEN 40 ELSE 10 * k END * interval '1 day' + interval '0.123456 second',
                   '2026-01-03'::timestamptz + (g % 200) * interval '1 hour' + CASE k WHEN 2 THEN 40 ELSE 10 * k END * interval '1 day' + interval '30 minutes',
                   12.5, 1800, 1, 0, 2, 'telematics', 1, (SELECT array_agg(((g * 29 + i) % 97)::real / 7) FROM generate_series(1, 29) i)
            FROM generate_series(1, {Drivers}) g, generate_series(0, 2) k
            ON CONFLICT DO NOTHING;
            """);
        await seed.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static float Expected(long driver, int feature) => ((driver * 29) + feature + 1) % 97 / 7f;

    private static long ExpectedStartUnixMs(long driver, int k) =>
        new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero).AddHours(driver % 200).AddDays(k == 2 ? 40 : 10 * k).AddMilliseconds(123).ToUnixTimeMilliseconds();

    [Fact]
    public async Task Batch_read_larger_than_the_read_buffer_returns_every_trip_in_the_period_with_its_exact_features()
    {
        var ids = new long[Drivers];
        for (var i = 0; i < Drivers; i++)
        {
            ids[i] = Drivers - i; // any order in, driver order out
        }

        var matrix = await new TripRepository(database.DataSource, TimeProvider.System).ReadTripFeaturesForDriversAsync(ids, From, To);

        Assert.Equal(2 * Drivers, matrix.Count);
        Assert.Equal(29, matrix.Width);
        for (var row = 0; row < matrix.Count; row++)
        {
            var driver = (row / 2) + 1;
            Assert.Equal(driver, matrix.DriverIds[row]);
            Assert.Equal(ExpectedStartUnixMs(driver, row % 2), matrix.StartedAtUnixMs[row]);
            var features = matrix.GetFeatures(row);
            for (var f = 0; f < 29; f++)
            {
                Assert.Equal(Expected(driver, f), features[f]);
            }
        }
    }

    [Fact]
    public async Task Rows_split_across_reads_of_a_few_bytes_decode_the_same_as_the_per_driver_read()
    {
        var raw = await CopyBytesAsync("COPY (SELECT driver_id, trip_id, started_at, features FROM trips WHERE driver_id <= 40 ORDER BY driver_id, started_at) TO STDOUT (FORMAT BINARY)");

        var matrix = await TripFeatureCopyReader.ReadAsync(new TrickleStream(raw), 1, 29, 64, CancellationToken.None);

        Assert.Equal(120, matrix.Count);
        var trips = new TripRepository(database.DataSource, TimeProvider.System);
        for (var driver = 1; driver <= 40; driver++)
        {
            var single = await trips.ReadDriverTripFeaturesAsync(driver, From, From.AddYears(1));
            for (var i = 0; i < single.Count; i++)
            {
                var row = ((driver - 1) * 3) + i;
                Assert.Equal(single.TripIds[i], matrix.TripIds[row]);
                Assert.Equal(single.StartedAtUnixMs[i], matrix.StartedAtUnixMs[row]);
                Assert.Equal(single.GetFeatures(i).ToArray(), matrix.GetFeatures(row).ToArray());
            }
        }
    }

    [Fact]
    public async Task A_null_feature_element_is_refused_naming_the_row_the_trip_and_the_field()
    {
        var raw = await CopyBytesAsync("COPY (SELECT 7::bigint, 9::bigint, '2026-02-01 07:30:00+00'::timestamptz, ARRAY[1.5, NULL, 2]::real[]) TO STDOUT (FORMAT BINARY)");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TripFeatureCopyReader.ReadAsync(new MemoryStream(raw), 1, 29, 1024, CancellationToken.None));

        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("trip 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("'features'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_trip_id_is_refused_naming_the_field()
    {
        var raw = await CopyBytesAsync("COPY (SELECT 7::bigint, NULL::bigint, now(), ARRAY[1.5]::real[]) TO STDOUT (FORMAT BINARY)");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TripFeatureCopyReader.ReadAsync(new MemoryStream(raw), 1, 29, 1024, CancellationToken.None));

        Assert.Contains("'trip_id' is NULL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_cut_before_its_end_marker_is_refused_naming_the_row()
    {
        var raw = await CopyBytesAsync("COPY (SELECT driver_id, trip_id, started_at, features FROM trips WHERE driver_id <= 2 ORDER BY driver_id, started_at) TO STDOUT (FORMAT BINARY)");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TripFeatureCopyReader.ReadAsync(new MemoryStream(raw[..^40]), 1, 29, 1024, CancellationToken.None));

        Assert.Contains("row 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_that_is_not_binary_copy_output_is_refused()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            TripFeatureCopyReader.ReadAsync(new MemoryStream("driver_id,trip_id\n1,2\n"u8.ToArray()), 1, 29, 1024, CancellationToken.None));

        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    private async Task<byte[]> CopyBytesAsync(string copySql)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var copy = await connection.BeginRawBinaryCopyAsync(copySql);
        using var bytes = new MemoryStream();
        await copy.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>Hands out at most 1–7 bytes per read, so rows and fields straddle every possible boundary.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        private int _reads;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1 + (_reads++ % 7))], cancellationToken);
    }
}
