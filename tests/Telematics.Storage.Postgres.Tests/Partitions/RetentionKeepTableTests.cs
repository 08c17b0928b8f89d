using Microsoft.Extensions.Time.Testing;

using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

public sealed class RetentionKeepTableTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Keep_table_detaches_expired_months_and_keeps_their_rows_and_a_later_event_gets_a_new_partition()
    {
        var options = new TelematicsPostgresOptions { PremakeMonths = 1, RetentionMonths = 3, RetentionKeepTable = true };
        var manager = NewPartitionManager(database, _time, options);
        await NewIngestor(database, manager).IngestAsync(501, Samples(new DateTimeOffset(2025, 9, 3, 0, 0, 0, TimeSpan.Zero), 40), Actor);
        await ExecuteAsync(database.DataSource,
            "INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES (501, 900, '2024-02-01 00:00:00+00', 1, 2, 0, 0)");

        var report = await manager.MaintainAsync(Actor);

        Assert.Equal(["2025-09"], report.Detached.Select(m => m.ToString()));
        Assert.Empty(report.Dropped);
        Assert.Empty(report.Archived);
        Assert.Equal(1, report.ExpiredFromDefault);
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events WHERE driver_id = 501"));
        Assert.Equal(40, await ScalarAsync(database.DataSource, "SELECT count(*) FROM \"telematics_events_2025_09_detached_20260315T100000Z\""));
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM \"telematics_events_default_expired_20260315T100000Z\""));
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE action = 'partition.detach' AND resource = 'partition/telematics_events_2025_09'"));

        // The same instance cached 2025-09; a late event of that month gets a partition again, not DEFAULT.
        await NewIngestor(database, manager).IngestAsync(501, Samples(new DateTimeOffset(2025, 9, 20, 0, 0, 0, TimeSpan.Zero), 2, firstEventId: 1_000), Actor);
        Assert.Equal(2, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2025_09"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
    }
}
