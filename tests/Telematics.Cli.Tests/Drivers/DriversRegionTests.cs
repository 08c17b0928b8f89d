using System.Text.Json.Nodes;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Drivers;

/// <summary><c>drivers create|update --region</c> is checked against the pricing plan, as the host checks <c>region</c>.</summary>
public sealed class DriversRegionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly string DemoPlan = Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json");

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_region_the_demo_plan_lacks_is_a_usage_error_naming_the_option_the_regions_and_the_plan_and_nothing_is_stored()
    {
        var result = await CreateAsync("region-de-by", "--region", "DE-BY");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.StartsWith("--region: 'DE-BY' is not a region of the pricing plan 'ubi-standard-2027' (its regions: FR-13, FR-35, FR-75)", result.Error, StringComparison.Ordinal);
        Assert.Contains("the demo plan shipped with the tool (" + DemoPlan + "); --plan FILE names another", result.Error, StringComparison.Ordinal);
        Assert.Null(await RegionAsync("region-de-by"));
        Assert.Equal(0L, await CountAsync("region-de-by"));
    }

    [Fact]
    public async Task A_region_of_the_plan_given_with_plan_is_stored_and_one_it_lacks_names_that_file()
    {
        var plan = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(DemoPlan))!;
        json["base_rate"]!["regions"]!["DE-BY"] = 690.00m;
        await File.WriteAllTextAsync(plan, json.ToJsonString());
        try
        {
            var bavaria = await CreateAsync("region-plan-de-by", "--region", "DE-BY", "--plan", plan);
            var paris = await CreateAsync("region-plan-fr-75", "--region", "FR-75");
            var berlin = await CreateAsync("region-plan-de-be", "--region", "DE-BE", "--plan", plan);

            Assert.True(bavaria.Exit == ExitCodes.Success, bavaria.Error);
            Assert.Equal("DE-BY", await RegionAsync("region-plan-de-by"));
            Assert.True(paris.Exit == ExitCodes.Success, paris.Error);
            Assert.Equal("FR-75", await RegionAsync("region-plan-fr-75"));
            Assert.Equal(ExitCodes.Usage, berlin.Exit);
            Assert.Contains("(its regions: DE-BY, FR-13, FR-35, FR-75); the plan: --plan " + plan + ".", berlin.Error, StringComparison.Ordinal);
            Assert.Equal(0L, await CountAsync("region-plan-de-be"));
        }
        finally
        {
            File.Delete(plan);
        }
    }

    [Fact]
    public async Task A_malformed_region_keeps_its_shape_message_and_an_unreadable_plan_is_an_input_error()
    {
        var lower = await CreateAsync("region-lower", "--region", "fr-75", "--plan", "/nonexistent/plan.json");
        var missingPlan = await CreateAsync("region-missing-plan", "--region", "FR-75", "--plan", "/nonexistent/plan.json");
        var noRegion = await CreateAsync("region-none", "--plan", "/nonexistent/plan.json");

        Assert.Equal(ExitCodes.Usage, lower.Exit);
        Assert.StartsWith("--region: region must be a region code such as FR-75", lower.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InputError, missingPlan.Exit);
        Assert.StartsWith("--plan: ", missingPlan.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("region-missing-plan"));
        Assert.True(noRegion.Exit == ExitCodes.Success, noRegion.Error);
    }

    [Fact]
    public async Task Update_checks_the_region_against_the_plan_and_changes_only_what_it_is_given()
    {
        var created = await CreateAsync("region-update", "--region", "FR-75", "--time-zone", "Europe/Paris");
        var id = System.Text.RegularExpressions.Regex.Match(created.Output, @"^created driver (\d+)").Groups[1].Value;

        var bavaria = await UpdateAsync(id, "--region", "DE-BY");
        var afterRefusal = await DriverAsync("region-update");
        var marseille = await UpdateAsync(id, "--region", "FR-13");
        var afterRegion = await DriverAsync("region-update");
        var cleared = await UpdateAsync(id, "--time-zone", "none", "--name", "Moved driver");
        var afterClear = await DriverAsync("region-update");
        var nothing = await UpdateAsync(id);
        var missing = await UpdateAsync("999999999", "--region", "FR-13");

        Assert.True(created.Exit == ExitCodes.Success, created.Error);
        Assert.Equal(ExitCodes.Usage, bavaria.Exit);
        Assert.StartsWith("--region: 'DE-BY' is not a region of the pricing plan 'ubi-standard-2027' (its regions: FR-13, FR-35, FR-75)", bavaria.Error, StringComparison.Ordinal);
        Assert.Equal(("FR-75", "Europe/Paris", "Region check"), afterRefusal);
        Assert.True(marseille.Exit == ExitCodes.Success, marseille.Error);
        Assert.Equal(("FR-13", "Europe/Paris", "Region check"), afterRegion);
        Assert.True(cleared.Exit == ExitCodes.Success, cleared.Error);
        Assert.EndsWith("name 'Moved driver', region FR-13, time zone none, age band none, vehicle class none", cleared.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(("FR-13", (string?)null, "Moved driver"), afterClear);
        Assert.Equal(ExitCodes.Usage, nothing.Exit);
        Assert.Equal(ExitCodes.InputError, missing.Exit);
        Assert.StartsWith("--driver: there is no driver 999999999", missing.Error, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> UpdateAsync(string driverId, params string[] options) =>
        CliRunner.RunAsync(["drivers", "update", "--driver", driverId, .. options, "--connection", database.ConnectionString]);

    private async Task<(string? Region, string? TimeZone, string Name)> DriverAsync(string externalRef)
    {
        await using var command = database.DataSource.CreateCommand("SELECT region, time_zone, display_name FROM drivers WHERE external_ref = $1");
        command.Parameters.AddWithValue(externalRef);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2));
    }

    private Task<(int Exit, string Output, string Error)> CreateAsync(string externalRef, params string[] options) =>
        CliRunner.RunAsync(["drivers", "create", "--external-ref", externalRef, "--name", "Region check", .. options, "--connection", database.ConnectionString]);

    private async Task<string?> RegionAsync(string externalRef)
    {
        await using var command = database.DataSource.CreateCommand("SELECT region FROM drivers WHERE external_ref = $1");
        command.Parameters.AddWithValue(externalRef);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<long> CountAsync(string externalRef)
    {
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM drivers WHERE external_ref = $1");
        command.Parameters.AddWithValue(externalRef);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
