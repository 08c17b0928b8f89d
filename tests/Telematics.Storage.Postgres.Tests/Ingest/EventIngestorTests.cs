using Npgsql;
using Telematics.Features.Samples;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Tests.Infrastructure;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

public sealed class EventIngestorTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset March = new(2026, 3, 14, 8, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<long> EventsOf(long driverId) =>
        ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driverId}");

    [Fact]
    public async Task The_same_events_sent_twice_are_stored_once()
    {
        var ingestor = NewIngestor(database);
        var first = await ingestor.IngestAsync(101, Samples(March, 500), Actor);
        var second = await ingestor.IngestAsync(101, Samples(March, 500), Actor);

        Assert.Equal(500, first.Stored);
        Assert.Equal(0, second.Stored);
        Assert.Equal(500, second.Duplicates);
        Assert.Equal(500, await EventsOf(101));
    }

    [Fact]
    public async Task A_batch_overlapping_stored_events_adds_only_the_new_ones()
    {
        var ingestor = NewIngestor(database);
        await ingestor.IngestAsync(102, Samples(March, 300), Actor);
        var result = await ingestor.IngestAsync(102, Samples(March.AddSeconds(200), 300, firstEventId: 201), Actor);

        Assert.Equal(200, result.Stored);
        Assert.Equal(500, await EventsOf(102));
    }

    [Fact]
    public async Task Every_column_of_every_row_reads_back_as_sent_across_copy_buffer_flushes()
    {
        // 2,000 rows of up to 122 bytes cross the encoder's 64 KB buffer several times.
        var sent = new SampleBuffer(2000);
        for (var i = 0; i < 2000; i++)
        {
            sent.Add(new TelematicsSample(March.ToUnixTimeMilliseconds() + (i * 997L), -89.9 + (i * 0.0123456789), 179.9 - (i * 0.0987654321))
            {
                SpeedMps = i % 9 == 0 ? float.NaN : i * 0.031f,
                HeadingDeg = i % 5 == 0 ? float.NaN : (i * 7.7f) % 360,
                LongitudinalAccelMps2 = (i % 13) - 6.5f,
                LateralAccelMps2 = i % 4 == 0 ? float.NaN : -0.25f * (i % 8),
                GpsAccuracyM = i % 3 == 0 ? float.NaN : 1.5f + (i % 40),
                SpeedLimitMps = i % 2 == 0 ? float.NaN : 13.9f,
                RoadClass = (RoadClass)(i % 8),
                Flags = (SampleFlags)(i % 4),
                EventId = long.MaxValue - i,
            });
        }

        var result = await NewIngestor(database).IngestAsync(108, sent, Actor);

        Assert.Equal(2000L, result.Stored);
        await using var command = database.DataSource.CreateCommand(
            "SELECT event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags " +
            "FROM telematics_events WHERE driver_id = 108 ORDER BY ts");
        await using var reader = await command.ExecuteReaderAsync();
        float Real(int column) => reader.IsDBNull(column) ? float.NaN : reader.GetFloat(column);
        for (var i = 0; i < 2000; i++)
        {
            Assert.True(await reader.ReadAsync());
            var expected = sent[i];
            var stored = new TelematicsSample(new DateTimeOffset(reader.GetFieldValue<DateTime>(1)).ToUnixTimeMilliseconds(), reader.GetDouble(2), reader.GetDouble(3))
            {
                SpeedMps = Real(4), HeadingDeg = Real(5), LongitudinalAccelMps2 = Real(6), LateralAccelMps2 = Real(7), GpsAccuracyM = Real(8), SpeedLimitMps = Real(9),
                RoadClass = (RoadClass)reader.GetInt16(10), Flags = (SampleFlags)reader.GetInt16(11), EventId = reader.GetInt64(0),
            };
            Assert.Equal(expected, stored);
        }

        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Missing_values_are_stored_as_null_and_values_read_back_exactly()
    {
        await NewIngestor(database).IngestAsync(103, Samples(March, 3), Actor);
        await using var command = database.DataSource.CreateCommand(
            "SELECT ts, latitude_deg, heading_deg, speed_mps, flags FROM telematics_events WHERE driver_id = 103 ORDER BY ts LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(March, new DateTimeOffset(reader.GetFieldValue<DateTime>(0)));
        Assert.Equal(-25.43, reader.GetDouble(1));
        Assert.True(reader.IsDBNull(2));
        Assert.Equal(10f, reader.GetFloat(3));
        Assert.Equal(1, reader.GetInt16(4));
    }

    [Fact]
    public async Task Early_and_late_months_get_their_partition_during_ingest_and_nothing_lands_in_default()
    {
        var ingestor = NewIngestor(database);
        await ingestor.IngestAsync(104, Samples(new DateTimeOffset(2019, 6, 30, 23, 59, 0, TimeSpan.Zero), 120), Actor);
        // Late: within the premake horizon (3 months after the current one); later months go to DEFAULT (RetentionGapTests).
        var late = PartitionMonth.From(TimeProvider.System.GetUtcNow()).AddMonths(3);
        await ingestor.IngestAsync(104, Samples(late.Start.AddDays(4), 10), Actor);

        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
        Assert.Equal(60, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2019_06 WHERE driver_id = 104"));
        Assert.Equal(60, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2019_07 WHERE driver_id = 104"));
        Assert.Equal(10, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM {late.PartitionName} WHERE driver_id = 104"));
    }

    [Fact]
    public async Task Two_writers_sending_the_same_events_at_once_store_each_event_once()
    {
        var partitions = NewPartitionManager(database);
        var a = NewIngestor(database, partitions);
        var b = NewIngestor(database, NewPartitionManager(database));
        var results = await Task.WhenAll(
            Task.Run(() => a.IngestAsync(105, Samples(March, 20_000), Actor)),
            Task.Run(() => b.IngestAsync(105, Samples(March, 20_000), Actor)));

        Assert.Equal(20_000, results[0].Stored + results[1].Stored);
        Assert.Equal(20_000, await EventsOf(105));
    }

    [Fact]
    public async Task A_connection_killed_mid_copy_writes_nothing_and_the_retry_stores_each_event_once()
    {
        var ingestor = NewIngestor(database);
        await ingestor.IngestAsync(106, Samples(March, 1_000), Actor);
        var batch = Samples(March.AddSeconds(1_000), 400_000, firstEventId: 1_001);

        var killer = Task.Run(async () =>
        {
            // Wait until the COPY of this batch is running, then kill its backend from another session. Up to 30 s rather
            // than 400 polls (2 s and more): on a loaded CI machine the batch may not reach its COPY that soon.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                var killed = await ScalarAsync(
                    database.DataSource,
                    $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database.DatabaseName}' AND query LIKE 'COPY telematics_events%' AND pid <> pg_backend_pid()");
                if (killed > 0)
                {
                    return true;
                }

                await Task.Delay(5);
            }

            return false;
        });

        var error = await Record.ExceptionAsync(() => ingestor.IngestAsync(106, batch, Actor));
        Assert.True(await killer, "the COPY backend was never seen running");
        Assert.IsAssignableFrom<NpgsqlException>(error);
        Assert.Equal(1_000, await EventsOf(106));

        var retry = await ingestor.IngestAsync(106, batch, Actor);
        Assert.Equal(400_000, retry.Stored);
        Assert.Equal(401_000, await EventsOf(106));
    }

    [Fact]
    public async Task Each_batch_that_stores_writes_one_audit_row_in_its_transaction()
    {
        var before = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE resource = 'driver/107'");
        await NewIngestor(database).IngestAsync(107, Samples(March, 10), Actor);
        Assert.Equal(before + 1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE resource = 'driver/107' AND action = 'events.ingest'"));

        // Re-sent: nothing new is stored, so nothing is audited.
        var resent = await NewIngestor(database).IngestAsync(107, Samples(March, 10), Actor);
        Assert.Equal((10, 0L), (resent.Received, resent.Stored));
        Assert.Equal(before + 1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE resource = 'driver/107' AND action = 'events.ingest'"));
    }
}
