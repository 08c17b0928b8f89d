using Npgsql;

using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Drivers;

public sealed class DriverRegionAndZoneTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DriverRepository Drivers => new(database.DataSource, TimeProvider.System);

    [Fact]
    public async Task Region_and_time_zone_given_at_creation_are_read_back_by_id_and_by_reference()
    {
        var created = await Drivers.CreateAsync(new NewDriver("ZONE-1", "Berta") { Region = "FR-75", TimeZone = "Europe/Berlin" }, Actor, CancellationToken.None);

        var byId = await Drivers.GetAsync(created.DriverId);
        var byRef = await Drivers.GetByExternalRefAsync("ZONE-1");

        Assert.Equal(("FR-75", "Europe/Berlin"), (byId!.Region, byId.TimeZone));
        Assert.Equal(created, byId);
        Assert.Equal(created, byRef);
    }

    [Fact]
    public async Task A_driver_created_without_them_has_neither()
    {
        var created = await Drivers.CreateAsync("ZONE-none", "Plain", Actor);

        var read = await Drivers.GetAsync(created.DriverId);

        Assert.Null(read!.Region);
        Assert.Null(read.TimeZone);
    }

    [Fact]
    public async Task An_update_changes_only_the_fields_it_sets_and_null_clears_a_field()
    {
        var driver = await Drivers.CreateAsync(new NewDriver("ZONE-2", "Carl") { Region = "FR-13", TimeZone = "America/Chicago" }, Actor, CancellationToken.None);

        var zoneOnly = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { TimeZone = "Asia/Tokyo" }, Actor);
        var regionCleared = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { Region = null }, Actor);
        var renamed = await Drivers.RenameAsync(driver.DriverId, "Carla", Actor);
        var zoneCleared = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { TimeZone = null, Region = "FR-35" }, Actor);
        var stored = await Drivers.GetAsync(driver.DriverId);

        Assert.Equal(("Carl", "FR-13", "Asia/Tokyo"), (zoneOnly!.DisplayName, zoneOnly.Region, zoneOnly.TimeZone));
        Assert.Equal(("Carl", null, "Asia/Tokyo"), (regionCleared!.DisplayName, regionCleared.Region, regionCleared.TimeZone));
        Assert.Equal(("Carla", null, "Asia/Tokyo"), (renamed!.DisplayName, renamed.Region, renamed.TimeZone));
        Assert.Equal(("Carla", "FR-35", null), (zoneCleared!.DisplayName, zoneCleared.Region, zoneCleared.TimeZone));
        Assert.Equal(zoneCleared, stored);
    }

    [Fact]
    public async Task The_audit_row_of_an_update_holds_region_and_zone_before_and_after()
    {
        var driver = await Drivers.CreateAsync(new NewDriver("ZONE-3", "Dora") { Region = "FR-75" }, Actor, CancellationToken.None);
        await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { Region = null, TimeZone = "Europe/Paris" }, Actor);

        await using var command = database.DataSource.CreateCommand(
            "SELECT action, before->>'region', before->>'time_zone', after->>'region', after->>'time_zone', after ? 'region' FROM audit_log WHERE resource = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"driver/{driver.DriverId}" });
        var rows = new List<(string, string?, string?, string?, string?, bool)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), Text(reader, 1), Text(reader, 2), Text(reader, 3), Text(reader, 4), reader.GetBoolean(5)));
        }

        Assert.Equal(
            [("driver.create", null, null, "FR-75", null, true), ("driver.update", "FR-75", null, null, "Europe/Paris", true)],
            rows);
    }

    [Fact]
    public async Task An_empty_update_writes_nothing_and_returns_the_driver()
    {
        var driver = await Drivers.CreateAsync(new NewDriver("ZONE-4", "Emil") { TimeZone = "UTC" }, Actor, CancellationToken.None);
        var audited = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");

        var same = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate(), Actor);

        Assert.Equal(driver, same);
        Assert.Equal(audited, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
        Assert.Null(await Drivers.UpdateAsync(987_654_321, new DriverUpdate { TimeZone = "UTC" }, Actor));
    }

    [Theory]
    [InlineData("fr-75", null, "region")]
    [InlineData("FRA", null, "region")]
    [InlineData("FR-7555", null, "region")]
    [InlineData("FR-75\n", null, "region")]
    [InlineData(null, "Mars/Olympus_Mons", "timeZone")]
    [InlineData(null, "W. Europe Standard Time", "timeZone")]
    [InlineData(null, "Europe/Berlin\n", "timeZone")]
    [InlineData(null, "", "timeZone")]
    public async Task A_bad_region_or_zone_is_refused_naming_the_field_and_nothing_is_stored(string? region, string? timeZone, string field)
    {
        var externalRef = "ZONE-bad-" + Guid.NewGuid();
        var existing = await Drivers.CreateAsync("ZONE-ok-" + Guid.NewGuid(), "Kept", Actor);

        var onCreate = await Assert.ThrowsAsync<ArgumentException>(
            () => Drivers.CreateAsync(new NewDriver(externalRef, "Bad") { Region = region, TimeZone = timeZone }, Actor, CancellationToken.None));
        var update = field == "region" ? new DriverUpdate { Region = region } : new DriverUpdate { TimeZone = timeZone };
        var onUpdate = await Assert.ThrowsAsync<ArgumentException>(() => Drivers.UpdateAsync(existing.DriverId, update, Actor));

        Assert.Equal(field, onCreate.ParamName);
        Assert.Equal(field, onUpdate.ParamName);
        Assert.Null(await Drivers.GetByExternalRefAsync(externalRef));
        Assert.Equal(existing, await Drivers.GetAsync(existing.DriverId));
    }

    [Theory]
    [InlineData("UPDATE drivers SET time_zone = 'Europe/Berlin; DROP TABLE drivers' WHERE driver_id = $1")]
    [InlineData("UPDATE drivers SET time_zone = ' Europe/Berlin' WHERE driver_id = $1")]
    [InlineData("UPDATE drivers SET time_zone = repeat('A', 65) WHERE driver_id = $1")]
    public async Task The_column_check_refuses_a_value_that_is_not_shaped_like_an_IANA_id(string sql)
    {
        var driver = await Drivers.CreateAsync("ZONE-sql-" + Guid.NewGuid(), "Direct", Actor);
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Theory]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("America/Port-au-Prince")]
    [InlineData("Etc/GMT+5")]
    [InlineData("UTC")]
    public async Task Real_IANA_ids_of_every_shape_pass_both_the_dotnet_check_and_the_column_check(string zone)
    {
        var driver = await Drivers.CreateAsync(new NewDriver("ZONE-shape-" + Guid.NewGuid(), "Shape") { TimeZone = zone }, Actor, CancellationToken.None);

        Assert.Equal(zone, (await Drivers.GetAsync(driver.DriverId))!.TimeZone);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
