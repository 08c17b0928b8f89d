using Telematics.Cli.Models;
using Telematics.Features.Schema;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Training.Packaging;

namespace Telematics.Cli.Tests.Models;

/// <summary>
/// <c>telematics models package</c> refusals: a usage error, a model or population that cannot make a servable package,
/// or a version already there; every one leaves the model directory as it was.
/// </summary>
public sealed class ModelsPackageRefusalTests : ModelsPackageTestBase
{
    [Fact]
    public async Task A_refusal_of_a_graph_that_names_its_features_tells_every_column_the_csv_lacks()
    {
        // One input per feature, night share among them, and a population without that column: the graph named the
        // features, so no --features-list narrowed the warnings, and the refusal must not come without its cause.
        var csv = WriteCsv();
        var lines = File.ReadAllLines(csv);
        var night = Array.IndexOf(lines[0].Split(','), TelematicsFeatures.NightShare);
        File.WriteAllLines(csv, lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != night))));

        var (exit, _, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("per.onnx", TestOnnxModels.PerFeatureLinear()), "--features", csv,
            "--name", "per-feature", "--version", "1", "--dir", Dir, "--kind", "score", "--schema", "telematics@1");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"no column '{TelematicsFeatures.NightShare}'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_regressor_without_kind_is_a_usage_error_that_writes_nothing()
    {
        var (exit, _, error) = await PackageFrequency(WriteCsv());

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--kind probability|frequency|score", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_feature_not_in_the_schema_is_a_usage_error_that_writes_nothing()
    {
        var (exit, _, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("freq.onnx", FrequencyRegressor()), "--features", WriteCsv(),
            "--name", "partner-freq", "--version", "1", "--dir", Dir, "--features-list", $"{TelematicsFeatures.DistanceKm},{Braking}", "--kind", "frequency");

        // distance_km is a telematics@1 total; telematics@2 reads annual_km instead.
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("'distance_km' is not a feature of telematics@2", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_monotone_claim_the_model_breaks_is_caught_by_the_load_check_and_nothing_is_written()
    {
        var (exit, _, error) = await PackageFrequency(WriteCsv(), "--kind", "frequency", "--monotone", $"{Braking}=decreasing");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.StartsWith("INVALID: ", error, StringComparison.Ordinal);
        Assert.Contains($"{Braking} is declared decreasing (monotone)", error, StringComparison.Ordinal);
        Assert.Contains($"('{Path.Combine(Dir, "partner-freq", "1")}')", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task An_existing_version_is_refused_and_kept_unless_forced()
    {
        var csv = WriteCsv();
        var existing = Packages.WriteFolder(Path.Combine("models", "partner-freq", "1"), TestPackages.TreeClassifierManifest("partner-freq", "1"), TestOnnxModels.TreeClassifier());
        var before = File.ReadAllText(Path.Combine(existing, "manifest.json"));

        var refused = await PackageFrequency(csv, "--kind", "frequency");

        Assert.Equal(ExitCodes.InputError, refused.Exit);
        Assert.Contains("exists already", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(existing, "manifest.json")));
        Assert.Equal(["1"], Directory.GetDirectories(Path.Combine(Dir, "partner-freq")).Select(Path.GetFileName));

        var forced = await PackageFrequency(csv, "--kind", "frequency", "--force");

        Assert.True(forced.Exit == ExitCodes.Success, forced.Error);
        Assert.Equal("frequency", (string?)Manifest("partner-freq", "1")["output"]!["kind"]);
        Assert.Equal(["1"], Directory.GetDirectories(Path.Combine(Dir, "partner-freq")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_bad_cell_names_its_line_and_column_and_nothing_is_written()
    {
        var csv = WriteCsv((i, line) => i == 3 ? line[..line.LastIndexOf(',')] + ",lots" : line);

        var (exit, _, error) = await PackageFrequency(csv, "--kind", "frequency");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"line 5, column '{Phone}': 'lots' is not a number", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task A_telematics_2_model_needs_each_drivers_window_as_score_does()
    {
        var (exit, _, error) = await PackageFrequency(WriteCsv(days: false), "--kind", "frequency");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("line 2, column 'observed_days': no observation window for driver 'd-0'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public async Task An_input_no_driver_has_a_value_for_is_refused_as_data_naming_it_even_when_the_graph_imputes_it()
    {
        var csv = WriteV2NamedCsv();
        // NaN → 9000 km/year and 0.1, then the frequency regressor over them: every driver would get a value made up by the imputer.
        var imputing = new OnnxBuilder().FloatInput("features", 2).TensorOutput("frequency", OnnxBuilder.Float, 1)
            .Node("Imputer", "ai.onnx.ml", ["features"], ["imputed"], a => a.Floats("imputed_value_floats", 9000f, 0.1f).Float("replaced_value_float", float.NaN))
            .Node("LinearRegressor", "ai.onnx.ml", ["imputed"], ["log_rate"], a => a.Floats("coefficients", 0.0001f, 0.5f).Floats("intercepts", -2.5f))
            .Node("Exp", "", ["log_rate"], ["frequency"])
            .Build();
        string[] common = ["--features", csv, "--name", "partner-freq", "--dir", Dir, "--features-list", $"{TelematicsFeaturesV2.AnnualKm},{TelematicsFeatures.NightShare}", "--kind", "frequency"];

        var imputed = await CliRunner.RunAsync(["models", "package", "--onnx", Onnx("imputing.onnx", imputing), "--version", "1", .. common]);
        var notImputed = await CliRunner.RunAsync(["models", "package", "--onnx", Onnx("freq.onnx", FrequencyRegressor()), "--version", "2", .. common]);

        foreach (var (exit, _, error) in new[] { imputed, notImputed })
        {
            Assert.Equal(ExitCodes.InputError, exit);
            Assert.Contains($"column '{TelematicsFeaturesV2.AnnualKm}' is a telematics@2 rate and is ignored", error, StringComparison.Ordinal);
            Assert.Contains($"'{TelematicsFeatures.DistanceKm}' with each driver's window", error, StringComparison.Ordinal);
        }

        Assert.Contains($"Input '{TelematicsFeaturesV2.AnnualKm}' of the model has no value for any of the {Drivers} drivers", imputed.Error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Theory]
    [InlineData("partner-freq", "1.")]
    [InlineData("partner-freq", "1\n")]
    [InlineData("partner.", "1")]
    [InlineData("partner-freq\n", "1")]
    public async Task A_name_or_version_ending_in_a_dot_or_a_newline_is_a_usage_error_that_writes_nothing(string name, string version)
    {
        var (exit, _, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("freq.onnx", FrequencyRegressor()), "--features", WriteCsv(),
            "--name", name, "--version", version, "--dir", Dir, "--features-list", $"{TelematicsFeaturesV2.AnnualKm},{Braking}", "--kind", "frequency");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("not ending in '.'", error, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    [Fact]
    public void The_sdk_refuses_a_telematics_2_population_driver_without_a_window_by_name_as_the_scorer_does()
    {
        // The window check is the scorer's own (SchemaVectors), so a driver the scorer would refuse is refused here too.
        var request = FrequencyRequest(withoutWindow: 7);

        var error = Assert.Throws<ArgumentException>(() => ExternalOnnxPackager.Package(request, Dir));

        Assert.Contains("Driver 'd-7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("observation window", error.Message, StringComparison.Ordinal);
        AssertNothingWritten();
    }
}
