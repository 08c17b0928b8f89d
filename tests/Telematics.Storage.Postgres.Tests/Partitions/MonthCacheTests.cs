using Npgsql;

using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>A long-running ingestor whose months were dropped or detached by another process never writes them into DEFAULT.</summary>
public sealed class MonthCacheTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_month_dropped_by_another_process_is_created_again_by_the_ingestor_that_cached_it()
    {
        // Two independent data sources and managers stand for two processes.
        await using var ingestSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var adminSource = NpgsqlDataSource.Create(database.ConnectionString);
        var ingestManager = new PartitionManager(ingestSource, new TelematicsPostgresOptions { PremakeMonths = 24 }, TimeProvider.System);
        var ingestor = new EventIngestor(ingestSource, ingestManager, TimeProvider.System);
        var admin = new PartitionManager(adminSource, new TelematicsPostgresOptions(), TimeProvider.System);
        var month = new PartitionMonth(2024, 5);

        await ingestor.IngestAsync(601, Samples(month.Start.AddDays(1), 10), Actor);
        Assert.Equal(10, await admin.DropAsync(month, Actor));

        var result = await ingestor.IngestAsync(601, Samples(month.Start.AddDays(2), 10, firstEventId: 100), Actor);

        Assert.Equal(10, result.Stored);
        Assert.Equal(10, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2024_05 WHERE driver_id = 601"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
    }

    [Fact]
    public async Task A_streamed_upload_into_a_month_dropped_meanwhile_lands_in_its_recreated_partition()
    {
        await using var ingestSource = NpgsqlDataSource.Create(database.ConnectionString);
        var ingestManager = new PartitionManager(ingestSource, new TelematicsPostgresOptions { PremakeMonths = 24 }, TimeProvider.System);
        var ingestor = new EventIngestor(ingestSource, ingestManager, TimeProvider.System);
        var month = new PartitionMonth(2024, 7);
        await ingestor.IngestAsync(602, Samples(month.Start.AddDays(1), 5), Actor);

        await using var session = await ingestor.BeginSessionAsync(602, Actor);
        await session.AppendAsync(Samples(month.Start.AddDays(3), 7, firstEventId: 50));
        await NewPartitionManager(database).DropAsync(month, Actor);
        await session.CommitAsync();

        Assert.Equal(7, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_2024_07 WHERE driver_id = 602"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default"));
    }

    [Fact]
    public async Task Ingest_running_while_another_process_keeps_dropping_the_month_never_writes_into_default()
    {
        var month = new PartitionMonth(2024, 11);
        var ingestor = NewIngestor(database, NewPartitionManager(database, options: new TelematicsPostgresOptions { PremakeMonths = 24 }));
        await using var adminSource = NpgsqlDataSource.Create(database.ConnectionString);
        var admin = new PartitionManager(adminSource, new TelematicsPostgresOptions(), TimeProvider.System);
        await ingestor.IngestAsync(604, Samples(month.Start, 20), Actor);

        var drops = 0;
        var dropper = Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                drops += await admin.DropAsync(month, Actor) >= 0 ? 1 : 0;
                await Task.Delay(10);
            }
        });
        // Ingest goes on until the dropper is done, however the two are scheduled on a loaded machine. A batch whose month
        // is dropped again each time it is recreated (a few times in a row on a loaded machine) is refused, naming the
        // month, and stores nothing: what never happens is a batch written into DEFAULT.
        var refused = 0;
        for (var batch = 1; batch <= 40 || (!dropper.IsCompleted && batch < 5_000); batch++)
        {
            try
            {
                await ingestor.IngestAsync(604, Samples(month.Start.AddMinutes(batch), 20, firstEventId: batch * 100), Actor);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("2024-11 was dropped again by another process", StringComparison.Ordinal))
            {
                refused++;
            }
        }

        await dropper;
        Assert.True(drops > 1, $"the month was dropped {drops} times; the test needs it dropped while ingest runs");
        Assert.True(refused < 40, $"{refused} batches were refused: ingest should win most races");
        Assert.Equal(0, await ScalarAsync(database.DataSource, "SELECT count(*) FROM telematics_events_default WHERE driver_id = 604"));
    }
}
