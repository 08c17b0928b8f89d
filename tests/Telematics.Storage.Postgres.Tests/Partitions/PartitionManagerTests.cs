using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

public sealed class PartitionManagerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private const string ContentDigest =
        "SELECT md5(string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, " +
        "long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags), ',' ORDER BY driver_id, ts, event_id)) FROM telematics_events";

    [Fact]
    public async Task Rows_in_default_are_moved_into_the_partition_of_their_month()
    {
        var manager = NewPartitionManager(database);
        await ExecuteAsync(database.DataSource,
            "INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) " +
            "VALUES (201, 1, '2024-02-10 12:00:00+00', 1, 2, 0, 0), (201, 2, '2024-02-29 23:59:59+00', 1, 2, 0, 0), (201, 3, '2024-04-01 00:00:00+00', 1, 2, 0, 0)");

        var moved = await manager.MoveDefaultRowsAsync(Actor);

        Assert.Equal(3, moved);
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
        Assert.Equal(2, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2024_02"));
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2024_04"));
        Assert.Equal(3, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 201"));
    }

    [Fact]
    public async Task List_names_each_partition_with_its_range_and_exact_row_count()
    {
        await NewIngestor(database).IngestAsync(202, Samples(new DateTimeOffset(2023, 5, 2, 0, 0, 0, TimeSpan.Zero), 42), Actor);

        var partitions = await NewPartitionManager(database).ListAsync();

        var may = Assert.Single(partitions, p => p.Name == "telematics_events_2023_05");
        Assert.Equal("[2023-05-01, 2023-06-01)", may.RangeText);
        Assert.Equal(42, may.Rows);
        Assert.True(may.SizeBytes > 0);
        Assert.Equal(PartitionMonth.DefaultPartitionName, partitions[^1].Name);
    }

    [Fact]
    public async Task Creating_an_existing_partition_changes_nothing()
    {
        var manager = NewPartitionManager(database);
        Assert.Equal(0, await manager.CreateAsync(new PartitionMonth(2022, 8), Actor));
        Assert.Equal(-1, await manager.CreateAsync(new PartitionMonth(2022, 8), Actor));
    }

    [Fact]
    public async Task Drop_removes_the_month_and_writes_an_audit_row()
    {
        var manager = NewPartitionManager(database);
        await NewIngestor(database, manager).IngestAsync(203, Samples(new DateTimeOffset(2021, 11, 3, 0, 0, 0, TimeSpan.Zero), 7), Actor);

        Assert.Equal(7, await manager.DropAsync(new PartitionMonth(2021, 11), Actor));

        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_class WHERE relname = 'telematics_events_2021_11'"));
        Assert.Equal(1, await ScalarAsync(database.DataSource,
            "SELECT count(*) FROM audit_log WHERE action = 'partition.drop' AND resource = 'partition/telematics_events_2021_11' AND (before->>'rows')::int = 7"));
        Assert.Equal(-1, await manager.DropAsync(new PartitionMonth(2021, 11), Actor));
    }

    [Fact]
    public async Task Archive_writes_a_verified_gzip_csv_records_it_drops_the_partition_and_restores_to_the_same_rows()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-");
        try
        {
            var manager = NewPartitionManager(database);
            var month = new PartitionMonth(2020, 1);
            await NewIngestor(database, manager).IngestAsync(204, Samples(month.Start.AddDays(3), 2_500), Actor);
            var digestBefore = await DigestAsync(204);

            var archive = await manager.ArchiveAsync(month, folder.FullName, Actor);

            Assert.NotNull(archive);
            Assert.Equal(2_500, archive.Rows);
            var (rows, sha256) = await PartitionManager.ReadBackAsync(archive.FilePath);
            Assert.Equal(2_500, rows);
            Assert.Equal(archive.Sha256.ToArray(), sha256);
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 204"));
            Assert.Equal(1, await ScalarAsync(database.DataSource,
                $"SELECT count(*) FROM partition_archives WHERE partition_name = 'telematics_events_2020_01' AND row_count = 2500 AND sha256 = '\\x{Convert.ToHexString(sha256)}'"));
            Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'partition.archive' AND resource = 'partition/telematics_events_2020_01'"));
            Assert.Empty(Directory.GetFiles(folder.FullName, "*.partial"));

            Assert.Equal(2_500, await manager.RestoreAsync(archive.FilePath, month, Actor));
            Assert.Equal(digestBefore, await DigestAsync(204));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Archiving_a_month_without_partition_does_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-archive-");
        try
        {
            Assert.Null(await NewPartitionManager(database).ArchiveAsync(new PartitionMonth(2010, 1), folder.FullName, Actor));
            Assert.Empty(Directory.GetFiles(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<string> DigestAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand(ContentDigest + $" WHERE driver_id = {driverId}");
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
