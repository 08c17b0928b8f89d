using System.Globalization;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Shipped;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using static Telematics.Cli.Tests.BatchScore.BatchScoreData;

namespace Telematics.Cli.Tests.BatchScore;

/// <summary><c>batch-score --experiment</c> and <c>--shipped-model</c>: which model serves each driver, and what is stored beside it.</summary>
public sealed class BatchScoreExperimentTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    // Half the drivers served by the shipped model's champion, half by its pinned version (two variants one plan can
    // price), and the rules model scored as a shadow of every driver: a shadow is never priced.
    private static readonly string Split = $$"""
        {"name": "cli-split", "salt": "cli", "variants": [
          {"name": "trained", "model": "champion", "weight_bp": 5000},
          {"name": "pinned", "model": "{{ShippedModel.Name}}@{{ShippedModel.Version}}", "weight_bp": 5000},
          {"name": "rules-shadow", "model": "builtin-rules@1", "shadow": true}]}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("telematics-cli-exp-").FullName;

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string File(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Each_driver_is_served_by_the_variant_its_id_hashes_to_and_shadow_scores_are_stored_beside()
    {
        // At least one driver of each variant, by the experiment's own assignment, and at least 8 drivers.
        var experiment = ExperimentJson.Parse(Split);
        var list = new List<long>();
        for (var i = 0; i < 40 && (list.Count < 8 || list.Select(d => experiment.Assign(d.ToString(CultureInfo.InvariantCulture)).Variant.Name).Distinct().Count() < 2); i++)
        {
            list.Add(await DriverWithTripsAsync(database, "cli-exp-" + i, 3));
        }

        var drivers = list.ToArray();

        var run = await CliRunner.RunAsync(
            "batch-score", "--drivers", Ids(drivers), "--shipped-model", "--experiment", File("split.json", Split), "--connection", database.ConnectionString);

        Assert.True(run.Exit == ExitCodes.Success, run.Error);
        var expected = drivers.GroupBy(d => experiment.Assign(d.ToString(CultureInfo.InvariantCulture)).Variant.Name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Contains($"experiment cli-split: {string.Join(", ", expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}"))}; {drivers.Length} shadow scores stored", run.Output, StringComparison.Ordinal);
        foreach (var driver in drivers)
        {
            var variant = experiment.Assign(driver.ToString(CultureInfo.InvariantCulture)).Variant.Name;
            Assert.Equal(1, await CountAsync(database,
                $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND experiment = 'cli-split' AND variant = '{variant}' AND model_name = '{ShippedModel.Name}'"));
            Assert.Equal(1, await CountAsync(database,
                $"SELECT count(*) FROM shadow_scores s JOIN risk_scores r USING (score_id) WHERE s.driver_id = {driver} AND s.variant = 'rules-shadow' AND s.model_name = 'builtin-rules'"));
        }
    }

    [Fact]
    public async Task The_shipped_model_serves_every_driver_without_an_experiment_and_nothing_is_stored_as_shadow()
    {
        var driver = await DriverWithTripsAsync(database, "cli-shipped", 5);

        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--shipped-model", "--connection", database.ConnectionString);

        Assert.True(run.Exit == ExitCodes.Success, run.Error);
        Assert.DoesNotContain("experiment", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(database,
            $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND model_name = '{ShippedModel.Name}' AND model_version = '{ShippedModel.Version}' AND experiment IS NULL"));
        // The trained model's TreeSHAP contributions are stored, and they sum to the score minus the reference score.
        Assert.Equal(1, await CountAsync(database,
            $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND abs((SELECT sum(c) FROM unnest(contributions) c) - (score - reference_score)) < 0.01 " +
            "AND EXISTS (SELECT 1 FROM unnest(contributions) c WHERE c <> 0)"));
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM shadow_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task The_shipped_model_is_priced_on_its_frequency_by_default_and_a_score_plan_is_refused()
    {
        var driver = await DriverWithTripsAsync(database, "cli-shipped-plan", 5);

        var refused = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--shipped-model",
            "--plan", Telematics.Cli.Pricing.CliPricingPlan.DemoPlanPath, "--connection", database.ConnectionString);
        var stored = await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}");
        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--shipped-model", "--connection", database.ConnectionString);

        // A score plan would price the frequency model's percentile and discard its relativities.
        Assert.Equal(ExitCodes.InputError, refused.Exit);
        Assert.Contains("risk_multiplier", refused.Error, StringComparison.Ordinal);
        Assert.Contains("telematics_relativity", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, stored);
        Assert.True(run.Exit == ExitCodes.Success, run.Error);
        Assert.Equal(1, await CountAsync(database,
            $"SELECT count(*) FROM premiums WHERE driver_id = {driver} AND breakdown::text LIKE '%frequency_relativity%'"));
    }

    [Fact]
    public async Task A_served_variant_the_plan_cannot_price_is_an_input_error_naming_it_that_writes_nothing()
    {
        var driver = await DriverWithTripsAsync(database, "cli-exp-unpriceable", 3);
        // The shipped model's relativity plan prices a claim frequency; the rules model outputs a 0–100 score.
        var file = File("unpriceable.json", """
            {"name": "cli-unpriceable", "salt": "u", "variants": [
              {"name": "trained", "model": "champion", "weight_bp": 5000},
              {"name": "rules", "model": "builtin-rules@1", "weight_bp": 5000}]}
            """);

        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--shipped-model", "--experiment", file, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, run.Exit);
        Assert.Contains("variant 'rules' of experiment 'cli-unpriceable' serves model builtin-rules@1", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task An_experiment_naming_a_model_that_is_not_served_is_an_input_error_that_writes_nothing()
    {
        var driver = await DriverWithTripsAsync(database, "cli-exp-missing", 2);
        var file = File("missing.json", """{"name": "cli-missing", "salt": "m", "variants": [{"name": "a", "model": "risk-gbm@3", "weight_bp": 10000}]}""");

        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--experiment", file, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, run.Exit);
        Assert.Contains("risk-gbm@3", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_malformed_experiment_file_is_an_input_error_naming_the_field()
    {
        var file = File("bad.json", """{"name": "cli-bad", "salt": "b", "variants": [{"name": "a", "model": "champion", "weight_bp": 4000}]}""");

        var run = await CliRunner.RunAsync("batch-score", "--all", "--experiment", file, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, run.Exit);
        Assert.Contains("--experiment:", run.Error, StringComparison.Ordinal);
        Assert.Contains("variants", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_and_shipped_model_together_are_a_usage_error()
    {
        var run = await CliRunner.RunAsync("batch-score", "--all", "--models", _folder, "--shipped-model", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, run.Exit);
        Assert.Contains("--shipped-model", run.Error, StringComparison.Ordinal);
    }
}
