using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Phone;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Drivers;

public sealed class DriverErasureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DriverRepository Drivers => new(database.DataSource, TimeProvider.System);

    /// <summary>Every table (partitions included) with a <c>driver_id</c> column, read from the catalog so that a new table cannot be missed.</summary>
    private async Task<List<string>> TablesWithDriverIdAsync()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'driver_id' ORDER BY table_name");
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private async Task<Dictionary<string, long>> RowsByTableAsync(long driverId)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await TablesWithDriverIdAsync())
        {
            // The name comes from the catalog, quoted as an identifier; the driver id is a parameter.
            await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WHERE driver_id = $1");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            rows[table] = (long)(await command.ExecuteScalarAsync())!;
        }

        return rows;
    }

    private async Task SeedAsync(long driverId, DateTimeOffset month, long firstEventId)
    {
        var manager = NewPartitionManager(database);
        await NewIngestor(database, manager).IngestAsync(driverId, Samples(month.AddDays(2), 300, firstEventId), Actor);
        await NewIngestor(database, manager).IngestAsync(driverId, Samples(month.AddMonths(1).AddDays(5), 200, firstEventId + 1000), Actor);

        // A phone recording's evidence (phone_evidence), stored per driver apart from any trip.
        var t0 = month.AddDays(2).ToUnixTimeMilliseconds();
        var phone = new ImuTripEvidence();
        phone.AddCoverage(t0, t0 + 300_000);
        phone.AddManoeuvre(ManoeuvreKind.HarshBraking, t0 + 60_000, t0 + 62_000, t0 + 61_000, 4.4f, 1.3f);
        phone.AddHandling(t0 + 120_000, t0 + 130_000, 2.2f, remounted: false);
        await new PhoneRecordingStore(database.DataSource, manager, TimeProvider.System).StoreAsync(driverId, phone, TimeZoneInfo.Utc, null, Actor);
    }

    [Fact]
    public async Task Erasing_a_driver_leaves_nothing_of_it_in_any_table_and_keeps_the_other_drivers_rows()
    {
        var erased = await Drivers.CreateAsync("ERASE-" + Guid.NewGuid(), "Erin Erased", Actor);
        var kept = await Drivers.CreateAsync("KEEP-" + Guid.NewGuid(), "Kim Kept", Actor);
        var months = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await SeedAsync(erased.DriverId, months, 1);
        await SeedAsync(kept.DriverId, months, 1);

        // A row that landed in the DEFAULT partition (no partition for its month yet) must go too.
        await using (var stray = database.DataSource.CreateCommand(
            "INSERT INTO telematics_events (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES ($1, 77, $2, 1, 2, 0, 0)"))
        {
            stray.Parameters.Add(new NpgsqlParameter<long> { TypedValue = erased.DriverId });
            stray.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = new DateTime(2061, 6, 1, 0, 0, 0, DateTimeKind.Utc) });
            await stray.ExecuteNonQueryAsync();
        }

        var before = await RowsByTableAsync(erased.DriverId);
        Assert.Contains("telematics_events_default", before.Keys);
        Assert.Equal(501, before["telematics_events"]);
        Assert.Equal(1, before["telematics_events_default"]);
        Assert.Equal(3, before["phone_evidence"]);
        var keptBefore = await RowsByTableAsync(kept.DriverId);

        var erasure = await Drivers.EraseAsync(erased.DriverId, Actor);

        Assert.NotNull(erasure);
        Assert.Equal(501, erasure.EventsDeleted);
        var after = await RowsByTableAsync(erased.DriverId);
        Assert.All(after, table => Assert.True(table.Value == 0, $"{table.Key} still holds {table.Value} rows of the erased driver"));
        Assert.Equal(keptBefore, await RowsByTableAsync(kept.DriverId));
        Assert.Equal(500, keptBefore["telematics_events"]);
        Assert.Null(await Drivers.EraseAsync(erased.DriverId, Actor));
    }

    [Fact]
    public async Task The_audit_row_of_an_erasure_keeps_only_the_driver_id_the_count_and_the_archives_to_review()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-erasure-");
        try
        {
            var externalRef = "ERASE-AUDIT-" + Guid.NewGuid();
            var driver = await Drivers.CreateAsync(externalRef, "Ada Audited", Actor);
            var old = new PartitionMonth(2019, 3);
            var manager = NewPartitionManager(database);
            await NewIngestor(database, manager).IngestAsync(driver.DriverId, Samples(old.Start.AddDays(1), 50), Actor);
            var archive = await manager.ArchiveAsync(old, folder.FullName, Actor);
            Assert.NotNull(archive);
            await NewIngestor(database, manager).IngestAsync(driver.DriverId, Samples(new DateTimeOffset(2026, 2, 3, 0, 0, 0, TimeSpan.Zero), 20), Actor);

            var erasure = await Drivers.EraseAsync(driver.DriverId, Actor);

            Assert.NotNull(erasure);
            Assert.Equal(20, erasure.EventsDeleted);
            Assert.Contains(Path.GetFileName(archive.FilePath), erasure.ArchivesToReview.Select(Path.GetFileName));
            await using var command = database.DataSource.CreateCommand(
                "SELECT before::text, after IS NULL FROM audit_log WHERE action = 'driver.delete' AND resource = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"driver/{driver.DriverId}" });
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var audited = reader.GetString(0);
            Assert.True(reader.GetBoolean(1));
            Assert.False(await reader.ReadAsync());
            Assert.DoesNotContain("Ada Audited", audited, StringComparison.Ordinal);
            Assert.DoesNotContain(externalRef, audited, StringComparison.Ordinal);
            Assert.Contains("\"events_deleted\": 20", audited, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(archive.FilePath), audited, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_restored_archive_does_not_bring_an_erased_driver_back()
    {
        var folder = Directory.CreateTempSubdirectory("telematics-erasure-");
        try
        {
            var erased = await Drivers.CreateAsync("ERASE-RESTORE-" + Guid.NewGuid(), "Rita Restored", Actor);
            var kept = await Drivers.CreateAsync("KEEP-RESTORE-" + Guid.NewGuid(), "Kai Kept", Actor);
            var month = new PartitionMonth(2018, 11);
            var manager = NewPartitionManager(database);
            await NewIngestor(database, manager).IngestAsync(erased.DriverId, Samples(month.Start.AddDays(1), 60), Actor);
            await NewIngestor(database, manager).IngestAsync(kept.DriverId, Samples(month.Start.AddDays(2), 40), Actor);
            var archive = await manager.ArchiveAsync(month, folder.FullName, Actor);
            Assert.NotNull(archive);
            Assert.Equal(100, archive.Rows);
            Assert.NotNull(await Drivers.EraseAsync(erased.DriverId, Actor));

            var restored = await manager.RestoreAsync(archive.FilePath, month, Actor);

            Assert.Equal(40, restored);
            Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {erased.DriverId}"));
            Assert.Equal(40, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {kept.DriverId}"));
            Assert.Equal(1, await ScalarAsync(database.DataSource,
                "SELECT count(*) FROM audit_log WHERE action = 'partition.restore' AND resource = 'partition/telematics_events_2018_11' " +
                "AND (after->>'rows')::int = 40 AND (after->>'erased_rows_left_out')::int = 60"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_ingest_of_an_erased_driver_stores_nothing_while_one_of_a_driver_not_yet_registered_still_does()
    {
        var driver = await Drivers.CreateAsync("ERASE-INGEST-" + Guid.NewGuid(), "Ivy Ingested", Actor);
        var ingestor = NewIngestor(database);
        var day = new DateTimeOffset(2026, 3, 4, 8, 0, 0, TimeSpan.Zero);
        await ingestor.IngestAsync(driver.DriverId, Samples(day, 30), Actor);
        Assert.NotNull(await Drivers.EraseAsync(driver.DriverId, Actor));

        var refused = await Assert.ThrowsAsync<KeyNotFoundException>(() => ingestor.IngestAsync(driver.DriverId, Samples(day.AddHours(1), 30, 100), Actor));

        Assert.Contains($"Driver {driver.DriverId} was erased", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driver.DriverId}"));
        var unregistered = driver.DriverId + 1_000_000;
        Assert.Equal(30, (await ingestor.IngestAsync(unregistered, Samples(day, 30), Actor)).Stored);
    }

    [Fact]
    public async Task A_session_upload_of_an_erased_driver_stores_nothing_while_one_of_a_driver_not_yet_registered_still_does()
    {
        var driver = await Drivers.CreateAsync("ERASE-SESSION-" + Guid.NewGuid(), "Sid Sessioned", Actor);
        var ingestor = NewIngestor(database);
        var day = new DateTimeOffset(2026, 3, 5, 8, 0, 0, TimeSpan.Zero);
        await using (var open = await ingestor.BeginSessionAsync(driver.DriverId, Actor))
        {
            await open.AppendAsync(Samples(day, 30));
            Assert.NotNull(await Drivers.EraseAsync(driver.DriverId, Actor));

            var refused = await Assert.ThrowsAsync<KeyNotFoundException>(() => open.CommitAsync());

            Assert.Contains($"Driver {driver.DriverId} was erased", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driver.DriverId}"));
        var unregistered = driver.DriverId + 2_000_000;
        await using var session = await ingestor.BeginSessionAsync(unregistered, Actor);
        await session.AppendAsync(Samples(day, 30));
        Assert.Equal(30, (await session.CommitAsync()).Stored);
    }

    [Fact]
    public async Task Erasing_a_driver_reaches_the_tables_retention_kept_aside()
    {
        var erased = await Drivers.CreateAsync("ERASE-KEPT-" + Guid.NewGuid(), "Kit Kept-Aside", Actor);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));
        var options = new TelematicsPostgresOptions { PremakeMonths = 1, RetentionMonths = 3, RetentionKeepTable = true };
        var manager = NewPartitionManager(database, time, options);
        await NewIngestor(database, manager).IngestAsync(erased.DriverId, Samples(new DateTimeOffset(2025, 8, 3, 0, 0, 0, TimeSpan.Zero), 40), Actor);
        await using (var stray = database.DataSource.CreateCommand(
            "INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES ($1, 900, '2024-02-01 00:00:00+00', 1, 2, 0, 0)"))
        {
            stray.Parameters.Add(new NpgsqlParameter<long> { TypedValue = erased.DriverId });
            await stray.ExecuteNonQueryAsync();
        }

        await manager.MaintainAsync(Actor);
        var before = await RowsByTableAsync(erased.DriverId);
        Assert.Equal(40, before["telematics_events_2025_08_detached_20260315T100000Z"]);
        Assert.Equal(1, before["telematics_events_default_expired_20260315T100000Z"]);

        var erasure = await Drivers.EraseAsync(erased.DriverId, Actor);

        Assert.NotNull(erasure);
        Assert.Equal(41, erasure.EventsDeleted);
        Assert.Empty(erasure.TablesToReview);
        var after = await RowsByTableAsync(erased.DriverId);
        Assert.All(after, table => Assert.True(table.Value == 0, $"{table.Key} still holds {table.Value} rows of the erased driver"));
    }
}
