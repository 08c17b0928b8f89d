using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Storage.Postgres.Phone;
using Telematics.Features.Pipeline;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Security;

/// <summary>
/// The three roles of migration 0015 on a database of their own: the owner migrates and grants; the application role
/// ingests (its new month's partition made by the owner's function), scores and appends audit rows, but cannot change,
/// delete or unprotect audit rows, move the chain head, write the archive records, or change the schema, even with the triggers in place; the
/// maintenance role detaches partitions.
/// </summary>
public sealed class LeastPrivilegeTests : IAsyncLifetime
{
    private readonly LeastPrivilegeDatabase _database = new();
    private NpgsqlDataSource _owner = null!;
    private NpgsqlDataSource _app = null!;
    private NpgsqlDataSource _maintenance = null!;

    private string App => _database.App;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _owner = NpgsqlDataSource.Create(_database.ConnectionStringAs(_database.Owner));
        _app = NpgsqlDataSource.Create(_database.ConnectionStringAs(_database.App));
        _maintenance = NpgsqlDataSource.Create(_database.ConnectionStringAs(_database.Maintenance));
    }

    public async Task DisposeAsync()
    {
        foreach (var source in new[] { _owner, _app, _maintenance })
        {
            await source.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_application_role_ingests_into_a_new_month_and_appends_audit_rows()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("lp-1", "Driver", Actor)).DriverId;
        var partitions = new PartitionManager(_app, new TelematicsPostgresOptions(), TimeProvider.System);

        var result = await new EventIngestor(_app, partitions, TimeProvider.System).IngestAsync(driver, Samples(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero), 50), Actor);

        Assert.Equal(50, result.Stored);
        Assert.Equal(50L, await ScalarAsync(_app, "SELECT count(*) FROM telematics_events_2026_03"));
        Assert.True((await new AuditLog(_app, TimeProvider.System).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task The_application_role_stores_trips_with_their_phone_manoeuvres_and_reads_them_back()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("lp-imu", "Driver", Actor)).DriverId;
        var start = new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero);
        var t0 = start.ToUnixTimeMilliseconds();
        var imu = new ImuTripEvidence();
        imu.AddCoverage(t0, t0 + 600_000);
        imu.AddManoeuvre(ManoeuvreKind.HarshBraking, t0 + 60_000, t0 + 62_000, t0 + 61_000, 4.4f, 1.3f);
        imu.AddHandling(t0 + 120_000, t0 + 130_000, 2.2f, remounted: false);
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc) { Imu = imu };
        var trips = new List<TripFeatures>(pipeline.Push(Samples(start, 600)));
        trips.AddRange(pipeline.Complete());

        var stored = await new TripRepository(_app, TimeProvider.System).WriteClosedTripsWithImuAsync(driver, trips, imu, Actor);

        Assert.Equal(1, stored);
        var tripId = await ScalarAsync(_app, $"SELECT trip_id FROM trips WHERE driver_id = {driver}");
        Assert.Equal(["harsh_braking", "phone_handling"], (await new TripReader(_app).ReadManoeuvresAsync(tripId)).Select(m => m.Kind));

        // The evidence is kept per driver (phone_evidence) and read back, compared and replayed by the application role.
        Assert.Equal(3L, await ScalarAsync(_app, $"SELECT count(*) FROM phone_evidence WHERE driver_id = {driver}"));
        var again = await new PhoneRecordingStore(_app, new PartitionManager(_app, new TelematicsPostgresOptions(), TimeProvider.System), TimeProvider.System)
            .StoreAsync(driver, imu, TimeZoneInfo.Utc, null, Actor);
        Assert.True(again!.AlreadyStored);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'mallory'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("ALTER TABLE audit_log DISABLE TRIGGER USER")]
    [InlineData("UPDATE audit_chain_head SET seq = 0")]
    [InlineData("DELETE FROM audit_anchors")]
    [InlineData("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'x', '\\x00')")]
    [InlineData("CREATE TABLE mallory (x int)")]
    [InlineData("ALTER TABLE drivers ADD COLUMN mallory int")]
    [InlineData("DROP TABLE telematics_events_default")]
    [InlineData("UPDATE partition_archives SET row_count = 0")]
    [InlineData("DELETE FROM partition_archives")]
    [InlineData("INSERT INTO partition_archives (partition_name) VALUES ('telematics_events_2026_01')")]
    public async Task The_application_role_cannot_rewrite_the_audit_trail_or_change_the_schema(string sql)
    {
        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "driver.update", "driver/1", null, "{}");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, sql));

        // 42501 insufficient_privilege (a table's owner check says "must be owner", the same code).
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task The_application_role_reads_the_archive_records_an_erasure_lists()
    {
        Assert.Equal(0L, await ScalarAsync(_app, "SELECT count(*) FROM partition_archives"));
    }

    [Fact]
    public async Task The_application_role_cannot_grant_itself_more_nor_make_a_partition_of_its_own_choosing()
    {
        var grant = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, $"SELECT telematics_grant_roles('{App}', '{App}')"));
        var badMonth = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, "SELECT telematics_create_month_partition('2026-05-15')"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, grant.SqlState);
        Assert.Equal("22023", badMonth.SqlState);
    }

    [Fact]
    public async Task The_maintenance_role_detaches_a_month_the_application_role_cannot()
    {
        await ExecuteAsync(_app, "SELECT telematics_create_month_partition('2026-04-01')");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, "ALTER TABLE telematics_events DETACH PARTITION telematics_events_2026_04"));
        await ExecuteAsync(_maintenance, "ALTER TABLE telematics_events DETACH PARTITION telematics_events_2026_04");

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(0L, await ScalarAsync(_owner, "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'telematics_events_2026_04'::regclass"));
    }

    [Fact]
    public async Task An_erasure_by_the_application_role_reaches_rows_maintenance_kept_aside()
    {
        var driver = (await new DriverRepository(_app, TimeProvider.System).CreateAsync("lp-kept", "Driver", Actor)).DriverId;
        await ExecuteAsync(_owner,
            $"INSERT INTO telematics_events_default (driver_id, event_id, ts, latitude_deg, longitude_deg, road_class, flags) VALUES ({driver}, 1, '2020-02-01 00:00:00+00', 1, 2, 0, 0)");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero));
        var options = new TelematicsPostgresOptions { PremakeMonths = 1, RetentionMonths = 3, RetentionKeepTable = true };
        var report = await new PartitionManager(_maintenance, options, time).MaintainAsync(Actor);
        Assert.Equal(1, report.ExpiredFromDefault);

        var erasure = await new DriverRepository(_app, TimeProvider.System).EraseAsync(driver, Actor);

        Assert.NotNull(erasure);
        Assert.Equal(1, erasure.EventsDeleted);
        Assert.Empty(erasure.TablesToReview);
        Assert.Equal(0L, await ScalarAsync(_owner, "SELECT count(*) FROM \"telematics_events_default_expired_20260315T100000Z\""));
    }

    [Fact]
    public async Task The_application_role_removes_the_content_of_an_erased_drivers_audit_rows_and_of_no_other()
    {
        var drivers = new DriverRepository(_app, TimeProvider.System);
        var driver = (await drivers.CreateAsync("lp-redact", "Named Driver", Actor)).DriverId;

        var onTheBooks = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app, $"SELECT * FROM audit_log_redact_driver({driver})"));
        Assert.Equal("55000", onTheBooks.SqlState);
        var direct = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app,
            $"UPDATE audit_log SET before = NULL, after = NULL, content_salt = NULL, redacted_at = now() WHERE resource = 'driver/{driver}'"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, direct.SqlState);

        var erasure = await drivers.EraseAsync(driver, Actor);

        Assert.Equal(1, erasure!.AuditRowsRedacted);
        Assert.Equal(0L, await ScalarAsync(_app, "SELECT count(*) FROM audit_log WHERE before::text LIKE '%Named Driver%' OR after::text LIKE '%Named Driver%'"));
        Assert.True((await new AuditLog(_app, TimeProvider.System).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task The_application_role_cannot_move_the_chain_head_through_session_settings()
    {
        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "driver.update", "driver/1", null, "{}");

        // One row of its own, then the running head of 0013 set back to the start, and commit: the head writer used to store it.
        await using (var connection = await _app.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var forge = new NpgsqlCommand(
                "INSERT INTO audit_log (occurred_at, actor, action, resource) VALUES (now(), 'mallory', 'driver.update', 'driver/2'); " +
                "SELECT set_config('telematics.audit_head_seq', '1', true), set_config('telematics.audit_head_hash', repeat('00', 32), true)",
                connection,
                transaction);
            await forge.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "driver.update", "driver/3", null, "{}");

        Assert.True((await new AuditLog(_app, TimeProvider.System).VerifyAsync()).IsIntact);
        Assert.Equal(await ScalarAsync(_app, "SELECT max(seq) FROM audit_log"), await ScalarAsync(_app, "SELECT seq FROM audit_chain_head"));
    }

    [Fact]
    public async Task The_application_role_cannot_plant_an_anchor_for_a_head_the_chain_does_not_have()
    {
        await new AuditLog(_app, TimeProvider.System).AppendAsync(Actor, "driver.update", "driver/1", null, "{}");

        var planted = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(_app,
            "INSERT INTO audit_anchors (seq, head_hash, signed_at, key_id, signature) " +
            "SELECT seq + 10, decode(repeat('ab', 32), 'hex'), now(), 'mallory', '\\x00' FROM audit_chain_head"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, planted.SqlState);
        Assert.Equal(0L, await ScalarAsync(_owner, "SELECT count(*) FROM audit_anchors"));
    }

    [Fact]
    public async Task The_application_role_finds_the_schema_current_without_creating_anything()
    {
        Assert.Empty(await new MigrationRunner(_app).ApplyAsync());
    }
}
