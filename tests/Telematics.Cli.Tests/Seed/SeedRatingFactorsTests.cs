using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using Telematics.Training.Datasets;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Tests.Seed;

public sealed class SeedRatingFactorsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Seeded_drivers_get_the_age_band_and_vehicle_class_they_were_simulated_with_and_a_rerun_fills_in_missing_ones()
    {
        string[] args = ["seed", "--drivers", "4", "--days", "1", "--seed", "93", "--start", "2026-02-02", "--connection", database.ConnectionString];

        var first = await CliRunner.RunAsync(args);
        var seeded = await DriversAsync();
        await using (var clear = database.DataSource.CreateCommand("UPDATE drivers SET age_band = NULL, vehicle_class = NULL WHERE external_ref LIKE 'synth-93-%'"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var second = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        var options = new SyntheticPopulationOptions { DriverCount = 4, Seed = 93 };
        var expected = Enumerable.Range(0, 4)
            .Select(i => PopulationGenerator.CreateDriver(options, i))
            .ToDictionary(p => $"synth-93-{p.DriverId}", p => ((string?)p.AgeBand.Code(), (string?)p.VehicleClass.Code()), StringComparer.Ordinal);
        Assert.Equal(expected, seeded);
        Assert.Equal(expected, await DriversAsync());
    }

    private async Task<Dictionary<string, (string? AgeBand, string? VehicleClass)>> DriversAsync()
    {
        var drivers = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        await using var command = database.DataSource.CreateCommand("SELECT external_ref, age_band, vehicle_class FROM drivers WHERE external_ref LIKE 'synth-93-%'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            drivers.Add(reader.GetString(0), (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return drivers;
    }
}
