using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Telematics.Cli.Models;
using Telematics.Features.Schema;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Training.Packaging;

namespace Telematics.Cli.Tests.Models;

/// <summary>
/// <c>telematics models package</c>: an ONNX graph built here and a features CSV written here become a package the
/// registry serves, with the calibration, reference and ranges of that population.
/// </summary>
public sealed class ModelsPackageCommandTests : ModelsPackageTestBase
{
    [Fact]
    public async Task A_frequency_regressor_is_packaged_with_the_populations_percentiles_medians_and_ranges_and_scores_as_onnx_runtime_says()
    {
        var model = FrequencyRegressor();
        var csv = WriteCsv();
        string[] features = [TelematicsFeaturesV2.AnnualKm, Braking];

        var (exit, output, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("freq.onnx", model), "--features", csv,
            "--name", "partner-freq", "--version", "1", "--dir", Dir, "--features-list", string.Join(',', features), "--kind", "frequency");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains($"from {Drivers} drivers of features.csv", output, StringComparison.Ordinal);
        Assert.Contains("package   partner-freq@1 (onnx)", output, StringComparison.Ordinal);
        Assert.Contains("schema    telematics@2", output, StringComparison.Ordinal);
        Assert.EndsWith("OK", output.TrimEnd(), StringComparison.Ordinal);
        var rows = Rows(features);
        var raw = OrtOutputs(model, rows, "features", "frequency");
        var manifest = Manifest("partner-freq", "1");
        AssertSummaries(manifest, rows, features, raw);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(model)), (string?)manifest["sha256"]);
        Assert.Equal("frequency", (string?)manifest["output"]!["kind"]);
        Assert.Equal("features", (string?)manifest["inputs"]!["tensor_name"]);
        Assert.Equal(Drivers.ToString(CultureInfo.InvariantCulture), (string?)manifest["training"]!["features_csv_rows"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(csv))), (string?)manifest["training"]!["features_csv_sha256"]);
        // The manifest travels with the model: the command it records names files, not the packager's folders.
        Assert.DoesNotContain(Packages.Root, (string?)manifest["training"]!["packaged_by"], StringComparison.Ordinal);
        Assert.Contains("--features features.csv", (string?)manifest["training"]!["packaged_by"], StringComparison.Ordinal);

        // Served by the registry, each driver's score is ONNX Runtime's raw output through the population's percentiles.
        using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(Dir));
        var scorer = new RiskScorer(registry);
        var knots = Percentiles(raw);
        var population = Population();
        for (var i = 0; i < Drivers; i += 7)
        {
            var score = scorer.Score(new ScoreRequest { DriverId = $"d-{i}", Model = "partner-freq", Features = population[i].Vector, ObservedDays = population[i].Days });
            Assert.Equal(raw[i], score.RawOutput, 6);
            Assert.Equal(Interpolate(knots, raw[i]), score.Score, 6);
        }

        // The driver with the largest braking (4.9f, whose shortest decimal "4.9" is below it) is inside the ranges.
        var top = Enumerable.Range(0, Drivers).MaxBy(i => population[i].Vector[TelematicsFeatures.Schema.IndexOf(Braking)]);
        var atMax = scorer.Score(new ScoreRequest { DriverId = $"d-{top}", Model = "partner-freq", Features = population[top].Vector, ObservedDays = population[top].Days });
        Assert.Equal(0, atMax.OutOfRangeShare);
    }

    [Fact]
    public async Task A_classifiers_probability_output_and_kind_are_found_in_the_graph_and_its_score_is_a_percentile()
    {
        var model = TestOnnxModels.LinearClassifier(zipMap: false);
        string[] features = [Braking, Phone];

        var (exit, output, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("clf.onnx", model), "--features", WriteCsv(),
            "--name", "partner-clf", "--version", "2", "--dir", Dir, "--features-list", string.Join(',', features), "--monotone", $"{Braking}=increasing");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("output    probabilities: float tensor, column 1", output, StringComparison.Ordinal);
        Assert.Contains("(probability)", output, StringComparison.Ordinal);
        var rows = Rows(features);
        var raw = OrtOutputs(model, rows, "float_input", "probabilities", column: 1);
        var manifest = Manifest("partner-clf", "2");
        AssertSummaries(manifest, rows, features, raw);
        Assert.Equal("probability", (string?)manifest["output"]!["kind"]);
        Assert.Equal("probabilities", (string?)manifest["output"]!["name"]);
        Assert.Equal("increasing", (string?)manifest["monotone"]![Braking]);

        using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(Dir));
        var population = Population();
        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d-5", Model = "partner-clf", Features = population[5].Vector, ObservedDays = population[5].Days });
        Assert.Equal(Interpolate(Percentiles(raw), raw[5]), score.Score, 6);
    }

    [Fact]
    public async Task A_zipmap_classifiers_output_is_found_beside_its_labels_and_the_named_class_is_kept()
    {
        var (exit, output, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("zip.onnx", TestOnnxModels.LinearClassifier(zipMap: true)), "--features", WriteCsv(),
            "--name", "partner-zip", "--version", "1", "--dir", Dir, "--features-list", $"{Braking},{Phone}", "--positive-class", "risky");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("class 'risky'", output, StringComparison.Ordinal);
        var manifest = Manifest("partner-zip", "1");
        Assert.Equal("output_probability", (string?)manifest["output"]!["name"]);
        Assert.Equal("probability", (string?)manifest["output"]!["kind"]);
        Assert.Equal("risky", (string?)manifest["output"]!["positive_class"]);
    }

    [Fact]
    public async Task A_graph_with_one_input_per_feature_names_its_features_itself()
    {
        var (exit, output, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("per.onnx", TestOnnxModels.PerFeatureLinear()), "--features", WriteCsv(),
            "--name", "per-feature", "--version", "1", "--dir", Dir, "--kind", "score", "--schema", "telematics@1");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("schema    telematics@1", output, StringComparison.Ordinal);
        var manifest = Manifest("per-feature", "1");
        Assert.Equal("per_feature", (string?)manifest["inputs"]!["layout"]);
        Assert.Equal(TestOnnxModels.Features, manifest["inputs"]!["features"]!.AsArray().Select(f => (string)f!));
    }

    [Fact]
    public async Task Period_days_gives_every_driver_without_a_window_that_window()
    {
        var (exit, _, error) = await PackageFrequency(WriteCsv(days: false), "--kind", "frequency", "--period-days", "14");

        Assert.True(exit == ExitCodes.Success, error);
        // annual_km = distance_km · 365.25 / 14: the largest distance of the population over 14 days.
        var largest = Population().Max(d => d.Vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)]);
        Assert.Equal((float)(largest * (TelematicsFeaturesV2.DaysPerYear / 14)), (float)Manifest("partner-freq", "1")["training_ranges"]![TelematicsFeaturesV2.AnnualKm]!["max"]!);
    }

    // A pandas export of telematics@2 names: annual_km is a rate the CSV does not read (it reads distance_km and the window).
    [Fact]
    public async Task A_features_table_with_a_no_trip_driver_leaves_that_driver_out_and_counts_it()
    {
        // What `telematics features` writes, joined: each driver row spans its window; a driver without trips has no
        // start_utc/end_utc, 0 km, 0 hours and 0 trips, and every other cell empty.
        var schema = TelematicsFeatures.Schema;
        var text = new StringBuilder("kind,driver_id,trip,start_utc,end_utc,samples," + string.Join(',', Enumerable.Range(0, schema.Count).Select(i => schema.Features[i].Name)) + "\n");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (driver, (vector, days)) in Population().Select((d, i) => (i, d)))
        {
            var cells = vector.Select(v => float.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture));
            text.Append(CultureInfo.InvariantCulture, $"driver,d-{driver},,{start:yyyy-MM-ddTHH:mm:ssZ},{start.AddDays(days).AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ},100,{string.Join(',', cells)}\n");
        }

        text.Append("driver,idle,,,,0,0,0,0" + new string(',', schema.Count - 3) + "\n");
        var csv = Path.Combine(Packages.Root, "table.csv");
        File.WriteAllText(csv, text.ToString());

        var (exit, output, error) = await PackageFrequency(csv, "--kind", "frequency");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains($"from {Drivers} drivers of table.csv (1 left out: no driving, or no finite output)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pandas_csv_with_every_cell_and_name_quoted_is_read_as_the_plain_one()
    {
        // pandas to_csv(quoting=csv.QUOTE_ALL): the header's names are quoted as well as the cells.
        var plain = WriteCsv();
        var quoted = Path.Combine(Packages.Root, "quoted.csv");
        File.WriteAllLines(quoted, File.ReadAllLines(plain).Select(line => string.Join(',', line.Split(',').Select(cell => $"\"{cell}\""))));
        string[] features = [TelematicsFeaturesV2.AnnualKm, Braking];

        var (exit, output, error) = await PackageFrequency(quoted, "--kind", "frequency");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
        Assert.Contains($"from {Drivers} drivers of quoted.csv", output, StringComparison.Ordinal);
        var rows = Rows(features);
        AssertSummaries(Manifest("partner-freq", "1"), rows, features, OrtOutputs(FrequencyRegressor(), rows, "features", "frequency"));
    }

    [Fact]
    public async Task Drivers_sharing_an_output_score_the_middle_of_their_group_and_the_extremes_of_a_continuous_output_0_and_100()
    {
        // min(max(harsh braking, 1), 4), as a tree's leaves would tie: 15 of the 60 drivers brake at most 1 (output 1)
        // and 10 at least 4 (output 4); the rest are untied.
        var model = new OnnxBuilder().FloatInput("features", 1).TensorOutput("frequency", OnnxBuilder.Float, 1)
            .FloatInitializer("low", [1], [1f]).FloatInitializer("high", [1], [4f])
            .Node("Max", "", ["features", "low"], ["floored"])
            .Node("Min", "", ["floored", "high"], ["frequency"])
            .Build();

        var (exit, _, error) = await CliRunner.RunAsync("models", "package", "--onnx", Onnx("tied.onnx", model), "--features", WriteCsv(),
            "--name", "partner-tree", "--version", "1", "--dir", Dir, "--features-list", Braking, "--kind", "frequency");

        Assert.True(exit == ExitCodes.Success, error);
        var braking = Population().Select(d => d.Vector[TelematicsFeatures.Schema.IndexOf(Braking)]).ToArray();
        Assert.Equal(15, braking.Count(b => b <= 1));
        Assert.Equal(10, braking.Count(b => b >= 4));
        var knots = Knots(Manifest("partner-tree", "1"));
        // The bottom group holds positions 0–14 of 0–59, the top one 50–59.
        Assert.Equal((1.0, 100 * 7.0 / 59), knots[0]);
        Assert.Equal((4.0, 100 * 54.5 / 59), knots[^1]);
        Assert.Equal(Percentiles([.. braking.Select(b => Math.Clamp(b, 1f, 4f))]), knots);

        using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(Dir));
        var scorer = new RiskScorer(registry);
        var population = Population();
        var scores = Enumerable.Range(0, Drivers).Select(i =>
            scorer.Score(new ScoreRequest { DriverId = $"d-{i}", Model = "partner-tree", Features = population[i].Vector, ObservedDays = population[i].Days }).Score).ToArray();
        Assert.All(Enumerable.Range(0, Drivers).Where(i => braking[i] <= 1), i => Assert.Equal(100 * 7.0 / 59, scores[i], 6));
        Assert.All(Enumerable.Range(0, Drivers).Where(i => braking[i] >= 4), i => Assert.Equal(100 * 54.5 / 59, scores[i], 6));
        // Percentiles average 50 (up to the interpolation between knots).
        Assert.InRange(scores.Average(), 48, 52);
        Assert.Contains("mid-rank", (string?)Manifest("partner-tree", "1")["training"]!["calibration"], StringComparison.Ordinal);

        // A continuous output keeps 0 and 100 at the population's smallest and largest value.
        var (freqExit, _, freqError) = await PackageFrequency(WriteCsv(), "--kind", "frequency");
        Assert.True(freqExit == ExitCodes.Success, freqError);
        var continuous = Manifest("partner-freq", "1")["calibration"]!["knots"]!.AsArray();
        Assert.Equal(0, (double)continuous[0]![1]!);
        Assert.Equal(100, (double)continuous[^1]![1]!);
    }

    [Fact]
    public void The_sdk_call_stops_when_cancelled_and_leaves_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var request = FrequencyRequest();

        Assert.ThrowsAny<OperationCanceledException>(() => ExternalOnnxPackager.Package(request, Dir, cancelled.Token));
        AssertNothingWritten();

        var result = ExternalOnnxPackager.Package(request, Dir);
        Assert.Equal(Drivers, result.Drivers);
        Assert.Equal(Path.Combine(Dir, "partner-freq", "1"), result.Folder);
    }
}
