using Microsoft.Extensions.Time.Testing;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>Nothing escapes retention through DEFAULT, and a wrong device clock does not create far-future partitions.</summary>
public sealed class RetentionGapTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Expired_default_rows_of_any_year_are_archived_and_removed_in_the_same_run_and_far_future_rows_are_reported()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-retention-");
        try
        {
            var options = new TelematicsPostgresOptions { PremakeMonths = 2, RetentionMonths = 6, ArchiveDirectory = folder.FullName };
            var manager = NewPartitionManager(database, _time, options);

            // A device clock in 2035 and events beyond the horizon: no partition is made, the rows go to DEFAULT.
            await NewIngestor(database, manager).IngestAsync(401, Samples(new DateTimeOffset(2035, 6, 1, 0, 0, 0, TimeSpan.Zero), 5), Actor);
            await NewIngestor(database, manager).IngestAsync(401, Samples(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), 3, firstEventId: 100), Actor);
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_class WHERE relname IN ('telematics_events_2035_06', 'telematics_events_2026_06')"));
            Assert.Equal(8, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default WHERE driver_id = 401"));

            // Rows of an expired month (2025-01) and of 1999 sit in DEFAULT; a kept month (2026-01) too.
            await ExecuteAsync(database.DataSource,
                "INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES " +
                "(402, 1, '2025-01-10 00:00:00+00', 1, 2, 0, 0), (402, 2, '2025-01-11 00:00:00+00', 1, 2, 0, 0), " +
                "(402, 3, '1999-12-31 23:00:00+00', 1, 2, 0, 0), (402, 4, '2026-01-05 00:00:00+00', 1, 2, 0, 0)");

            var plan = await manager.MaintainAsync(Actor, dryRun: true);
            Assert.Equal(3, plan.ExpiredFromDefault);
            Assert.Equal(8, plan.BeyondHorizonInDefault); // 2035-06 and 2026-06: the horizon is 2026-05
            Assert.DoesNotContain(new PartitionMonth(2025, 1), plan.Created);

            var done = await manager.MaintainAsync(Actor);

            Assert.Equal(["2026-01", "2026-03", "2026-04", "2026-05"], done.Created.Select(m => m.ToString()));
            Assert.Equal(3, done.ExpiredFromDefault);
            Assert.Equal(8, done.BeyondHorizonInDefault);
            Assert.NotNull(done.DefaultArchive);
            Assert.Equal(3, done.DefaultArchive.Rows);
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_class WHERE relname = 'telematics_events_2025_01'"));
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 402 AND ts < '2025-10-01'"));
            Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2026_01 WHERE driver_id = 402"));
            Assert.Equal(8, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
            Assert.Equal(3, (await PartitionManager.ReadBackAsync(done.DefaultArchive.FilePath)).Rows);
            Assert.Equal(1, await ScalarAsync(database.DataSource,
                "SELECT count(*) FROM partition_archives WHERE partition_name = 'telematics_events_default' AND row_count = 3 AND range_start = '1999-12-31 23:00:00+00' AND range_end = '2025-10-01 00:00:00+00'"));
            Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'partition.expire_default' AND (before->>'rows')::int = 3"));

            // The DEFAULT archive is found by its file, checks out, and its rows come back into the partitions they belong to.
            var archived = done.DefaultArchive.FilePath;
            Assert.Empty(await manager.VerifyArchiveAsync(archived, new PartitionMonth(2025, 1)));
            Assert.Equal(3, await manager.RestoreAsync(archived, new PartitionMonth(2025, 1), Actor));
            Assert.Equal(3, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 402 AND ts < '2025-10-01'"));
            Assert.Equal(2, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2025_01 WHERE driver_id = 402"));
            Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default WHERE driver_id = 402"));
            await ExecuteAsync(database.DataSource, "DELETE FROM telematics_events WHERE driver_id = 402 AND ts < '2025-10-01'");

            // The 2026-06 rows move into their month once it comes within the horizon.
            _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 0, 0, 0, TimeSpan.Zero));
            var later = await manager.MaintainAsync(Actor);
            Assert.Equal(["2026-06"], later.Created.Select(m => m.ToString()));
            Assert.Equal(3, later.MovedFromDefault);
            Assert.Equal(5, later.BeyondHorizonInDefault);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
