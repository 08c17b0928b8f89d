using Microsoft.Extensions.Time.Testing;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

public sealed class PartitionMaintenanceTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<string>> MonthlyPartitionsAsync() =>
        (await NewPartitionManager(database, _time).ListAsync()).Where(p => p.Month is not null).Select(p => p.Month!.Value.ToString()).ToList();

    [Fact]
    public async Task Maintain_creates_ahead_moves_default_rows_and_enforces_retention_and_a_dry_run_changes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-maintain-");
        try
        {
            var options = new TelematicsPostgresOptions { PremakeMonths = 3, RetentionMonths = 6, ArchiveDirectory = folder.FullName };
            var manager = NewPartitionManager(database, _time, options);
            await NewIngestor(database, manager).IngestAsync(301, Samples(new DateTimeOffset(2025, 8, 20, 0, 0, 0, TimeSpan.Zero), 30), Actor);
            await NewIngestor(database, manager).IngestAsync(301, Samples(new DateTimeOffset(2025, 11, 20, 0, 0, 0, TimeSpan.Zero), 30), Actor);
            await ExecuteAsync(database.DataSource,
                "INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES (301, 9, '2026-01-05 00:00:00+00', 1, 2, 0, 0)");

            var plan = await manager.MaintainAsync(Actor, dryRun: true);

            Assert.True(plan.DryRun);
            Assert.Equal(["2026-01", "2026-03", "2026-04", "2026-05", "2026-06"], plan.Created.Select(m => m.ToString()));
            Assert.Equal(1, plan.MovedFromDefault);
            Assert.Equal(["2025-08"], plan.Archived.Select(m => m.ToString()));
            Assert.Equal(["2025-08", "2025-11"], await MonthlyPartitionsAsync());

            var done = await manager.MaintainAsync(Actor);

            Assert.Equal(plan with { DryRun = false }, done with { Created = plan.Created, Archived = plan.Archived, Dropped = plan.Dropped });
            Assert.Equal(["2025-11", "2026-01", "2026-03", "2026-04", "2026-05", "2026-06"], await MonthlyPartitionsAsync());
            Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
            Assert.Single(Directory.GetFiles(folder.FullName, "telematics_events_2025_08-*.csv.gz"));

            var again = await manager.MaintainAsync(Actor);
            Assert.Empty(again.Created);
            Assert.Empty(again.Archived);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
