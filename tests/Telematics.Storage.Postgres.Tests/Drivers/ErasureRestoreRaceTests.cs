using Npgsql;

using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Drivers;

/// <summary>An erasure that runs while a restore of the driver's archived month is in flight.</summary>
public sealed class ErasureRestoreRaceTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_erasure_during_a_restore_leaves_none_of_the_drivers_restored_rows()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-erasure-race-");
        try
        {
            var drivers = new DriverRepository(database.DataSource, TimeProvider.System);
            var erased = await drivers.CreateAsync("RACE-" + Guid.NewGuid(), "Rae Raced", Actor);
            var month = new PartitionMonth(2017, 5);
            var manager = NewPartitionManager(database);
            await NewIngestor(database, manager).IngestAsync(erased.DriverId, Samples(month.Start.AddDays(3), 50), Actor);
            var archive = await manager.ArchiveAsync(month, folder.FullName, Actor);
            Assert.NotNull(archive);

            // Holding the audit head stalls the restore after it attached the month's partition (its partition.create row
            // waits for the head), which is where an erasure planned without that partition slipped past it.
            await using var holder = await database.DataSource.OpenConnectionAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var head = new NpgsqlCommand("SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE", holder, hold))
            {
                await head.ExecuteNonQueryAsync();
            }

            var restore = manager.RestoreAsync(archive.FilePath, month, Actor);
            await WaitForLockWaitersAsync(1);
            var erasure = drivers.EraseAsync(erased.DriverId, Actor);
            await WaitForLockWaitersAsync(2);
            await hold.RollbackAsync();

            await restore;
            Assert.NotNull(await erasure);
            Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {erased.DriverId}"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Waits until <paramref name="count"/> sessions of this database wait for a lock.</summary>
    private async Task WaitForLockWaitersAsync(int count)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{count} sessions never waited for a lock");
    }
}
