using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Score;

/// <summary><c>telematics score --models DIR</c>: the directory's own model serves, not the built-in rules.</summary>
public sealed class ScoreModelDirectoryTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string Models => _packages.ModelsRoot;

    // The shipped package copied into the model directory as telematics-frequency@3, as docs/cli.md's models section does.
    private void CopyShipped()
    {
        var source = Path.Combine(RepositoryRoot.Path, "src", "Telematics.Scoring", "Shipped", "telematics-frequency");
        var target = Path.Combine(Models, "telematics-frequency", "3");
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "manifest.json", "model.onnx" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(target, file));
        }
    }

    // Two drivers with typical habits over 30 days.
    private async Task<string> FeaturesAsync()
    {
        var schema = TelematicsFeatures.Schema;
        var values = new float[schema.Count];
        values[schema.IndexOf(TelematicsFeatures.TripCount)] = 40;
        values[schema.IndexOf(TelematicsFeatures.DistanceKm)] = 360;
        values[schema.IndexOf(TelematicsFeatures.MeanTripKm)] = 9;
        values[schema.IndexOf(TelematicsFeatures.NightShare)] = 0.1f;
        values[schema.IndexOf(TelematicsFeatures.MeanAbsJerkMps3)] = 0.25f;
        var row = string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var path = Path.Combine(_packages.Root, "features.csv");
        await File.WriteAllTextAsync(path, $"driver_id,observed_days,{string.Join(',', schema.Features.ToArray().Select(f => f.Name))}\na,30,{row}\nb,30,{row}\n");
        return path;
    }

    private static Dictionary<string, string[]> Rows(string output) =>
        File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);

    [Fact]
    public async Task A_frequency_without_a_known_window_is_credited_no_days_and_priced_classically()
    {
        // A telematics@1 frequency package (no window needed to score) predicting 0.3 claims a year: 3 × the book.
        var manifest = TestPackages.TreeClassifierManifest("freq-v1", "1");
        manifest["output"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "variable", ["kind"] = "frequency" };
        manifest["calibration"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 };
        var package = _packages.WriteFolder(Path.Combine("models", "freq-v1", "1"), manifest, TestOnnxModels.Constant(0.3f));
        var plan = Path.Combine(_packages.Root, "relativity.json");
        await File.WriteAllTextAsync(plan, """
            {
              "name": "test-relativity", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
              "base_rate": { "default": 600.00 },
              "telematics_relativity": { "book_mean_frequency": 0.1, "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 }
            }
            """);
        var schema = TelematicsFeatures.Schema;
        var values = new float[schema.Count];
        values[schema.IndexOf(TelematicsFeatures.DistanceKm)] = 360;
        var features = Path.Combine(_packages.Root, "no-window.csv");
        await File.WriteAllTextAsync(features, $"driver_id,{string.Join(',', schema.Features.ToArray().Select(f => f.Name))}\na,{string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}\n");
        var output = Path.Combine(_packages.Root, "scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--model", package, "--plan", plan, "--output", output);

        // No observed_days and no --period-days: the days the data covers are unknown, so no credibility (a year would
        // have credited Z = 0.86 and priced 900.00, the +50 % cap).
        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal("600.00", Rows(output)["a"][8]);
    }

    [Fact]
    public async Task The_directorys_champion_scores_every_driver_and_a_relativity_plan_prices_it()
    {
        CopyShipped();
        var promoted = await CliRunner.RunAsync("models", "promote", "--dir", Models, "--name", "telematics-frequency", "--version", "3");
        Assert.True(promoted.Exit == ExitCodes.Success, promoted.Error);
        var output = Path.Combine(_packages.Root, "scores.csv");
        var plan = Path.Combine(RepositoryRoot.Path, "docs", "pricing", "ubi-relativity-2027.json");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(), "--models", Models, "--plan", plan, "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        foreach (var cells in Rows(output).Values)
        {
            Assert.Equal(("telematics-frequency", "3"), (cells[4], cells[5]));
            Assert.True(decimal.Parse(cells[8], CultureInfo.InvariantCulture) > 0, cells[8]);
        }
    }

    [Theory]
    [InlineData("ubi-relativity-2027.json", "rules", "builtin-rules@1", "telematics_relativity")]
    [InlineData("ubi-standard-2027.json", "freq", "telematics-frequency@3", "risk_multiplier")]
    public async Task An_experiment_variant_the_plan_cannot_price_is_refused_up_front_naming_it(string planFile, string variant, string model, string field)
    {
        // A relativity plan with a score variant threw inside the row's quote (exit 70, no output); a score plan with a
        // frequency variant priced its percentile without a word.
        CopyShipped();
        _packages.WriteConstantVersion("risk-const", 1);
        var experiment = Path.Combine(_packages.Root, "exp.json");
        await File.WriteAllTextAsync(experiment, $$"""
            {"name": "fit-test", "salt": "s1", "variants": [{"name": "{{variant}}", "model": "{{model}}", "weight_bp": 10000}]}
            """);
        var defaultModel = field == "risk_multiplier" ? "risk-const" : "telematics-frequency";
        var output = Path.Combine(_packages.Root, "scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(), "--models", Models, "--default-model", defaultModel,
            "--experiment", experiment, "--plan", Path.Combine(RepositoryRoot.Path, "docs", "pricing", planFile), "--output", output);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"--plan: {field}", error, StringComparison.Ordinal);
        Assert.Contains($"variant '{variant}' of experiment 'fit-test'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_row_of_nothing_but_its_window_is_not_scored()
    {
        // Every feature blank, trip_count and distance_km too: scored, its blanks gave the typical driver, confidence high.
        CopyShipped();
        var schema = TelematicsFeatures.Schema;
        var features = Path.Combine(_packages.Root, "blank.csv");
        await File.WriteAllTextAsync(features, $"driver_id,observed_days,{string.Join(',', schema.Features.ToArray().Select(f => f.Name))}\nd1,30{new string(',', schema.Count)}\n");
        var output = Path.Combine(_packages.Root, "scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--models", Models, "--output", output);

        Assert.True(exit == ExitCodes.PartialFailure, error);
        var line = File.ReadAllLines(output)[1];
        Assert.StartsWith("d1,,", line, StringComparison.Ordinal);
        Assert.Contains("Driver 'd1' has no trips", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_of_several_models_needs_the_default_one_named()
    {
        CopyShipped();
        _packages.WriteConstantVersion("risk-const", 1);
        var features = await FeaturesAsync();
        var output = Path.Combine(_packages.Root, "scores.csv");

        var unnamed = await CliRunner.RunAsync("score", "--features", features, "--models", Models, "--output", output);
        var named = await CliRunner.RunAsync("score", "--features", features, "--models", Models, "--default-model", "risk-const", "--output", output);
        var unknown = await CliRunner.RunAsync("score", "--features", features, "--models", Models, "--default-model", "risk-gbm", "--output", output);

        Assert.Equal(ExitCodes.Usage, unnamed.Exit);
        Assert.Contains("holds several models (risk-const, telematics-frequency); name the one served by default with --default-model NAME", unnamed.Error, StringComparison.Ordinal);
        Assert.True(named.Exit == ExitCodes.Success, named.Error);
        Assert.All(Rows(output).Values, cells => Assert.Equal(("risk-const", "1"), (cells[4], cells[5])));
        Assert.Equal(ExitCodes.Usage, unknown.Exit);
        Assert.Contains("--default-model: 'risk-gbm' is not a model of", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("its models: risk-const, telematics-frequency", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_model_without_a_model_directory_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", await FeaturesAsync(), "--default-model", "risk-const", "--output", Path.Combine(_packages.Root, "s.csv"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--default-model applies to --models", error, StringComparison.Ordinal);
    }
}
