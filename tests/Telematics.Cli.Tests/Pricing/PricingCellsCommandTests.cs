using System.Text.Json;

using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Scoring.Shipped;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Pricing;

/// <summary>
/// <c>telematics pricing cells</c> end to end against PostgreSQL: a small book scored by the shipped frequency model
/// (FR-75 under-25 small cars at 0.2, 0.3, 0.4; FR-13 an under-25 small car at 0.6 and a 40–64 family car at 0.1).
/// </summary>
public sealed class PricingCellsCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly AuditActor Actor = new("test:cells");
    private static readonly DateTimeOffset Day = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string RelativityPlan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-relativity-2027.json");
    private static readonly string ScorePlan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-standard-2027.json");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cells-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await new MigrationRunner(database.DataSource).ApplyAsync();
        Directory.CreateDirectory(_directory);
        if (await ScalarAsync("SELECT count(*) FROM drivers") > 0)
        {
            return;
        }

        foreach (var lambda in new[] { 0.2, 0.3, 0.4 })
        {
            await DriverAsync("FR-75", "under25", "small", ShippedModel.Name, ShippedModel.Version, lambda);
        }

        await DriverAsync("FR-13", "under25", "small", ShippedModel.Name, ShippedModel.Version, 0.6);
        await DriverAsync("FR-13", "40_64", "family", ShippedModel.Name, ShippedModel.Version, 0.1);
        await DriverAsync("FR-75", "25_39", "suv", ModelPackage.BuiltInName, ModelPackage.BuiltInVersion, 0.7);
        await DriverAsync("FR-75", "25_39", "suv", "mixed-model", "1", 0.1);
        await DriverAsync("FR-75", "25_39", "suv", "mixed-model", "2", 0.2);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Writes_the_fragment_with_the_book_mean_and_every_cell_of_enough_drivers_most_specific_first()
    {
        var file = Path.Combine(_directory, "cells.plan.json");

        var result = await RunAsync("--model", ShippedModel.Name, "--min-drivers", "2", "--output", file);

        Assert.True(result.Exit == ExitCodes.Success, result.Error);
        Assert.Contains($"wrote {file}: model '{ShippedModel.Name}' version {ShippedModel.Version}: book λ̄ 0.32 over 5 drivers, 8 cells of at least 2 drivers", result.Output, StringComparison.Ordinal);
        using var fragment = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var relativity = fragment.RootElement.GetProperty("telematics_relativity");
        Assert.Equal(["telematics_relativity"], fragment.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.32, relativity.GetProperty("book_mean_frequency").GetDouble());
        Assert.Equal(
            [
                ("FR-75/under25/small", 0.3), ("FR-75/under25/*", 0.3), ("FR-75/*/small", 0.3), ("*/under25/small", 0.375),
                ("FR-13/*/*", 0.35), ("FR-75/*/*", 0.3), ("*/under25/*", 0.375), ("*/*/small", 0.375),
            ],
            relativity.GetProperty("cell_mean_frequency").EnumerateObject().Select(p => (p.Name, p.Value.GetDouble())));
    }

    [Fact]
    public async Task With_a_plan_writes_a_copy_whose_means_are_the_books_and_that_prices_a_driver_against_their_region_cell()
    {
        var file = Path.Combine(_directory, "book-plan.json");

        var result = await RunAsync("--model", ShippedModel.Name, "--model-version", ShippedModel.Version, "--min-drivers", "3", "--plan", RelativityPlan, "--output", file);

        Assert.True(result.Exit == ExitCodes.Success, result.Error);
        var plan = PricingPlanJson.Load(file);
        var original = PricingPlanJson.Load(RelativityPlan);
        Assert.Equal(original.Name, plan.Name);
        Assert.Equal(original.Relativity!.CredibilityDays, plan.Relativity!.CredibilityDays);
        Assert.Equal(original.Classical!.AgeBands, plan.Classical!.AgeBands);
        Assert.Equal(0.32, plan.Relativity.BookMeanFrequency);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["FR-75/under25/small"] = 0.3, ["FR-75/under25/*"] = 0.3, ["FR-75/*/small"] = 0.3, ["*/under25/small"] = 0.375,
                ["FR-75/*/*"] = 0.3, ["*/under25/*"] = 0.375, ["*/*/small"] = 0.375,
            },
            plan.Relativity.CellMeanFrequencies.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Equal(0.3, plan.Relativity.MeanFrequencyFor(new RatingCell("FR-75", "under25", "family"), out var source));
        Assert.Equal("FR-75/under25/*", source);
        Assert.Equal(0.32, plan.Relativity.MeanFrequencyFor(new RatingCell("FR-13", "40_64", "family"), out source));
        Assert.Equal("book", source);
    }

    [Fact]
    public async Task A_model_no_driver_was_scored_by_is_refused_naming_it_and_nothing_is_written()
    {
        var file = Path.Combine(_directory, "never.json");

        var result = await RunAsync("--model", "no-such-model", "--output", file);

        Assert.Equal(ExitCodes.InputError, result.Exit);
        Assert.Contains("--model: no stored driver has a score of model 'no-such-model'", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_model_whose_output_is_not_a_frequency_is_refused_naming_it()
    {
        var result = await RunAsync("--model", ModelPackage.BuiltInName, "--min-drivers", "1");

        Assert.Equal(ExitCodes.InputError, result.Exit);
        Assert.Contains($"--model: model '{ModelPackage.BuiltInName}' version '{ModelPackage.BuiltInVersion}' outputs a score, not a claim frequency", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Latest_scores_of_more_than_one_version_need_the_version_named()
    {
        var mixed = await RunAsync("--model", "mixed-model");
        var version = await RunAsync("--model", "mixed-model", "--model-version", "2", "--min-drivers", "1");

        Assert.Equal(ExitCodes.Usage, mixed.Exit);
        Assert.Contains("--model-version: the stored drivers' latest scores of model 'mixed-model' come from more than one version (1: 1 drivers, 2: 1 drivers)", mixed.Error, StringComparison.Ordinal);
        // One version is read; that model is not among the built-in and shipped ones, so its output kind cannot be checked.
        Assert.Equal(ExitCodes.InputError, version.Exit);
        Assert.Contains("--models: model 'mixed-model' version '2' is not among the built-in and shipped models", version.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_score_plan_is_refused_before_the_book_is_read_and_nothing_is_written()
    {
        var file = Path.Combine(_directory, "score-plan.json");

        var result = await RunAsync("--model", ShippedModel.Name, "--plan", ScorePlan, "--output", file);

        Assert.Equal(ExitCodes.InputError, result.Exit);
        Assert.Contains("the plan prices a score (risk_multiplier), not the model's frequency", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("reading the latest score", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_minimum_below_one_driver_is_a_usage_error()
    {
        var result = await RunAsync("--model", ShippedModel.Name, "--min-drivers", "0");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("--min-drivers: 0", result.Error, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(["pricing", "cells", .. args, "--connection", database.ConnectionString]);

    private async Task DriverAsync(string region, string ageBand, string vehicleClass, string model, string version, double lambda)
    {
        var name = "cells-" + Guid.NewGuid().ToString("N");
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System)
            .CreateAsync(new NewDriver(name, name) { Region = region, AgeBand = ageBand, VehicleClass = vehicleClass }, Actor, CancellationToken.None);
        await new ScoreRepository(database.DataSource, TimeProvider.System).AddAsync(
            new RiskScoreRecord(driver.DriverId, Day, Day.AddDays(-30), Day, 50, RiskCategory.Average, lambda, model, version, null, null, new float[29], new float[29]), Actor);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
