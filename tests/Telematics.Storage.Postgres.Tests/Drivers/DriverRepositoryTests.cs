using Npgsql;

using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Drivers;

public sealed class DriverRepositoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DriverRepository Drivers => new(database.DataSource, TimeProvider.System);

    [Fact]
    public async Task Create_rename_and_delete_each_write_an_audit_row_and_the_erasure_removes_the_names_from_the_earlier_ones()
    {
        var driver = await Drivers.CreateAsync("POL-1", "Ana", Actor);
        await Drivers.RenameAsync(driver.DriverId, "Ana Maria", Actor);

        Assert.Equal([("driver.create", null, "Ana", false), ("driver.update", "Ana", "Ana Maria", false)], await AuditRowsAsync(driver.DriverId));

        Assert.True(await Drivers.DeleteAsync(driver.DriverId, Actor));

        // The delete row keeps no personal data: its before holds the driver id and what was erased, not the name; the
        // earlier rows lose their before and after, and the chain still verifies through their digests.
        Assert.Equal(
            [("driver.create", null, null, true), ("driver.update", null, null, true), ("driver.delete", null, null, false)],
            await AuditRowsAsync(driver.DriverId));
        Assert.Null(await Drivers.GetAsync(driver.DriverId));
        Assert.True((await new AuditLog(database.DataSource, TimeProvider.System).VerifyAsync(null)).IsIntact);
    }

    private async Task<List<(string, string?, string?, bool)>> AuditRowsAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT action, before->>'display_name', after->>'display_name', redacted_at IS NOT NULL FROM audit_log WHERE resource = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"driver/{driverId}" });
        var rows = new List<(string, string?, string?, bool)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE drivers; --")]
    [InlineData("\"; TRUNCATE audit_log; --")]
    [InlineData("$1 $$ \\x00 ; SELECT pg_sleep(10)")]
    public async Task Hostile_names_are_stored_verbatim_and_change_nothing_else(string hostile)
    {
        var driver = await Drivers.CreateAsync(hostile + Guid.NewGuid(), hostile, Actor);
        Assert.Equal(hostile, (await Drivers.GetAsync(driver.DriverId))!.DisplayName);
        Assert.True((await new AuditLog(database.DataSource, TimeProvider.System).VerifyAsync(null)).IsIntact);
        Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM pg_class WHERE relname = 'drivers'"));
    }

    [Fact]
    public async Task A_taken_external_reference_fails_cleanly_and_writes_no_audit_row()
    {
        await Drivers.CreateAsync("POL-dup", "First", Actor);
        var before = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");
        var error = await Assert.ThrowsAsync<PostgresException>(() => Drivers.CreateAsync("POL-dup", "Second", Actor));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal(before, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task An_empty_or_overlong_name_is_refused_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Drivers.CreateAsync("POL-x", new string('a', 201), Actor));
        Assert.Equal("displayName", error.ParamName);
        Assert.Null(await Drivers.RenameAsync(424_242, "Nobody", Actor));
    }
}
