using Microsoft.Extensions.Time.Testing;

using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

/// <summary>Maintenance deletes the records of stored streamed batches past their retention, and only those.</summary>
public sealed class BatchLedgerPruningTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Maintain_deletes_batch_records_older_than_the_retention_and_a_dry_run_only_counts_them()
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync("ledger-1", "Ledger", Actor)).DriverId;
        var now = _time.GetUtcNow();
        foreach (var (days, count) in new[] { (30.0, 3), (14.5, 2), (13.5, 4), (0.1, 1) })
        {
            for (var i = 0; i < count; i++)
            {
                await using var insert = database.DataSource.CreateCommand("INSERT INTO ingest_batches (batch_id, driver_id, stored_at) VALUES ($1, $2, $3)");
                insert.Parameters.AddWithValue(Guid.CreateVersion7());
                insert.Parameters.AddWithValue(driver);
                insert.Parameters.AddWithValue((now - TimeSpan.FromDays(days)).UtcDateTime);
                await insert.ExecuteNonQueryAsync();
            }
        }

        var manager = NewPartitionManager(database, _time, new TelematicsPostgresOptions { BatchLedgerRetention = TimeSpan.FromDays(14) });

        var plan = await manager.MaintainAsync(Actor, dryRun: true);
        Assert.Equal(5, plan.PrunedBatchRecords);
        Assert.Equal(10, await ScalarAsync(database.DataSource, "SELECT count(*) FROM ingest_batches"));

        var done = await manager.MaintainAsync(Actor);
        Assert.Equal(5, done.PrunedBatchRecords);
        Assert.Equal(5, await ScalarAsync(database.DataSource, "SELECT count(*) FROM ingest_batches"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM ingest_batches WHERE stored_at < '{(now - TimeSpan.FromDays(14)).UtcDateTime:O}'"));
        Assert.Equal(5, await ScalarAsync(database.DataSource, "SELECT sum((after->>'deleted')::int) FROM audit_log WHERE action = 'ingest_batches.prune'"));

        Assert.Equal(0, (await manager.MaintainAsync(Actor)).PrunedBatchRecords);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(4000)]
    public void A_batch_ledger_retention_outside_an_hour_to_ten_years_is_refused_by_name(double days)
    {
        var problems = new TelematicsPostgresOptions { BatchLedgerRetention = TimeSpan.FromDays(days) }.Validate();
        Assert.Contains(problems, p => p.StartsWith("BatchLedgerRetention", StringComparison.Ordinal));
    }
}
