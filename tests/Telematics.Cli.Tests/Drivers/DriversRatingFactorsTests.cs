using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Drivers;

/// <summary><c>drivers create|update --age-band --vehicle-class</c>: stored, cleared with <c>none</c>, refused by option name.</summary>
public sealed class DriversRatingFactorsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_and_update_carry_age_band_and_vehicle_class_and_none_clears_one()
    {
        var created = await RunAsync("drivers", "create", "--external-ref", "cells-cli", "--name", "Cells", "--age-band", "under25", "--vehicle-class", "small");
        var id = System.Text.RegularExpressions.Regex.Match(created.Output, @"^created driver (\d+)").Groups[1].Value;
        var afterCreate = await DriverAsync("cells-cli");
        var aged = await RunAsync("drivers", "update", "--driver", id, "--age-band", "25_39", "--vehicle-class", "none");
        var afterUpdate = await DriverAsync("cells-cli");

        Assert.True(created.Exit == ExitCodes.Success, created.Error);
        Assert.Equal(("under25", "small"), afterCreate);
        Assert.True(aged.Exit == ExitCodes.Success, aged.Error);
        Assert.EndsWith("age band 25_39, vehicle class none", aged.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(("25_39", (string?)null), afterUpdate);
    }

    [Theory]
    [InlineData("--age-band", "teen", "--age-band: ageBand must be one of under25, 25_39, 40_64, over65, not 'teen'.")]
    [InlineData("--vehicle-class", "Van", "--vehicle-class: vehicleClass must be one of small, family, suv, performance, not 'Van'.")]
    public async Task A_code_that_is_not_a_rating_factor_is_a_usage_error_naming_the_option_and_nothing_is_stored(string option, string value, string message)
    {
        var externalRef = "cells-bad-" + Guid.NewGuid().ToString("N");

        var refused = await RunAsync("drivers", "create", "--external-ref", externalRef, "--name", "Bad", option, value);

        Assert.Equal(ExitCodes.Usage, refused.Exit);
        Assert.Equal(message, refused.Error.TrimEnd());
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM drivers WHERE external_ref = $1");
        command.Parameters.AddWithValue(externalRef);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync([.. args, "--connection", database.ConnectionString]);

    private async Task<(string? AgeBand, string? VehicleClass)> DriverAsync(string externalRef)
    {
        await using var command = database.DataSource.CreateCommand("SELECT age_band, vehicle_class FROM drivers WHERE external_ref = $1");
        command.Parameters.AddWithValue(externalRef);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
