using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Seed;

public sealed class SeedRegionAndZoneTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Seeded_drivers_get_the_population_zone_and_each_plan_region_the_same_on_every_run()
    {
        string[] args = ["seed", "--drivers", "3", "--days", "1", "--seed", "91", "--start", "2026-02-02", "--connection", database.ConnectionString];

        var first = await CliRunner.RunAsync(args);
        var seeded = await DriversAsync();
        var updatesBefore = await UpdateCountAsync();
        var second = await CliRunner.RunAsync(args);
        var updatesAfterRerun = await UpdateCountAsync();

        // A database seeded before drivers had a region and zone: the next run fills them in, the same as a fresh seed.
        await using (var clear = database.DataSource.CreateCommand("UPDATE drivers SET region = NULL, time_zone = NULL WHERE external_ref LIKE 'synth-91-%'"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var third = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.True(third.Exit == ExitCodes.Success, third.Error);
        Assert.Equal(["FR-13", "FR-35", "FR-75"], seeded.Values.Select(d => d.Region).Order(StringComparer.Ordinal));
        Assert.All(seeded.Values, d => Assert.Equal("America/Chicago", d.TimeZone));
        Assert.Equal(updatesBefore, updatesAfterRerun);
        Assert.Equal(seeded, await DriversAsync());
        Assert.StartsWith("nothing to do: all 3 drivers are already seeded", third.Output, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, (string? Region, string? TimeZone)>> DriversAsync()
    {
        var drivers = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        await using var command = database.DataSource.CreateCommand("SELECT external_ref, region, time_zone FROM drivers WHERE external_ref LIKE 'synth-91-%'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            drivers.Add(reader.GetString(0), (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return drivers;
    }

    private async Task<long> UpdateCountAsync()
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE action = 'driver.update'");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
