using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Telematics.Cli.Models;
using Telematics.Features.Schema;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Training.Packaging;

namespace Telematics.Cli.Tests.Models;

/// <summary>
/// <c>telematics models package</c>: an ONNX graph built here and a features CSV written here become a package the
/// registry serves, with the calibration, reference and ranges of that population; every refusal leaves the directory as it was.
/// </summary>
public sealed class ModelsPackageCommandTests : IDisposable
{
    private const int Drivers = 60;
    private static readonly string Braking = TelematicsFeatures.HarshBrakingPer100Km;
    private static readonly string Phone = TelematicsFeatures.PhoneMinutesPerHour;

    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string Dir => _packages.ModelsRoot;

    private string Onnx(string name, byte[] model)
    {
        var path = Path.Combine(_packages.Root, name);
        File.WriteAllBytes(path, model);
        return path;
    }

    /// <summary>exp(0.0001·annual_km + 0.15·harsh_braking − 2.5): a Poisson frequency over a telematics@2 rate and a v1 feature.</summary>
    private static byte[] FrequencyRegressor() =>
        new OnnxBuilder().FloatInput("features", 2).TensorOutput("frequency", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["features"], ["log_rate"], a => a.Floats("coefficients", 0.0001f, 0.15f).Floats("intercepts", -2.5f))
            .Node("Exp", "", ["log_rate"], ["frequency"])
            .Build();

    // Each driver's telematics@1 vector and window: distance, trips, braking and phone vary; the rest is missing.
    private static (float[] Vector, int Days)[] Population()
    {
        var drivers = new (float[], int)[Drivers];
        for (var i = 0; i < Drivers; i++)
        {
            var vector = new float[TelematicsFeatures.Schema.Count];
            Array.Fill(vector, float.NaN);
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = 40 + (i * 37 % 300);
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 4 + (i % 11);
            vector[TelematicsFeatures.Schema.IndexOf(Braking)] = (i * 17 % 50) / 10f;
            vector[TelematicsFeatures.Schema.IndexOf(Phone)] = (i * 13 % 40) / 10f;
            vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = (i % 10) / 10f;
            drivers[i] = (vector, 7 + (i % 23));
        }

        return drivers;
    }

    private string WriteCsv(Func<int, string, string>? edit = null, bool days = true)
    {
        string[] columns = [TelematicsFeatures.DistanceKm, TelematicsFeatures.TripCount, Braking, TelematicsFeatures.NightShare, Phone];
        var text = new StringBuilder("driver_id" + (days ? ",observed_days" : "") + "," + string.Join(',', columns) + "\n");
        var population = Population();
        for (var i = 0; i < population.Length; i++)
        {
            var (vector, window) = population[i];
            var line = $"d-{i}" + (days ? $",{window}" : "") + "," + string.Join(',', columns.Select(c => vector[TelematicsFeatures.Schema.IndexOf(c)].ToString("R", CultureInfo.InvariantCulture)));
            text.Append(edit is null ? line : edit(i, line)).Append('\n');
        }

        var path = Path.Combine(_packages.Root, "features.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    // The population's model rows as telematics@2 (the default schema) gives them, in the graph's input order.
    private static float[][] Rows(params string[] features)
    {
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        return [.. Population().Select(d =>
        {
            TelematicsFeaturesV2.FromV1(d.Vector, d.Days, v2);
            return features.Select(f => v2[TelematicsFeaturesV2.Schema.IndexOf(f)]).ToArray();
        })];
    }

    // ONNX Runtime's own output of the rows, read straight from the graph (column `column` of a [N, C] float output).
    private static float[] OrtOutputs(byte[] model, float[][] rows, string input, string output, int column = 0)
    {
        using var session = new InferenceSession(model);
        var flat = rows.SelectMany(r => r).ToArray();
        using var tensor = OrtValue.CreateTensorValueFromMemory(flat, [rows.Length, rows[0].Length]);
        using var run = new RunOptions();
        using var results = session.Run(run, [input], [tensor], [output]);
        var values = results[0].GetTensorDataAsSpan<float>().ToArray();
        var columns = values.Length / rows.Length;
        return [.. Enumerable.Range(0, rows.Length).Select(r => values[(r * columns) + column])];
    }

    // Knots at every 5 % position: the value there and its mid-rank percentile (drivers below it plus half of the others
    // sharing it, over n − 1), once per value.
    private static List<(double Raw, double Score)> Percentiles(float[] raw)
    {
        var sorted = raw.Order().ToArray();
        var knots = new List<(double, double)>();
        for (var q = 0; q <= 20; q++)
        {
            var value = sorted[(int)Math.Round(q / 20.0 * (sorted.Length - 1))];
            if (knots.Count == 0 || value > knots[^1].Item1)
            {
                var below = sorted.Count(v => v < value);
                var sharing = sorted.Count(v => v == value);
                knots.Add((value, 100 * (below + ((sharing - 1) / 2.0)) / (sorted.Length - 1)));
            }
        }

        return knots;
    }

    private static double Interpolate(IReadOnlyList<(double Raw, double Score)> knots, double raw)
    {
        if (raw <= knots[0].Raw)
        {
            return knots[0].Score;
        }

        for (var k = 1; k < knots.Count; k++)
        {
            if (raw <= knots[k].Raw)
            {
                var (x0, y0) = knots[k - 1];
                var (x1, y1) = knots[k];
                return y0 + ((raw - x0) / (x1 - x0) * (y1 - y0));
            }
        }

        return knots[^1].Score;
    }

    private JsonObject Manifest(string name, string version) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, name, version, "manifest.json")))!.AsObject();

    private static List<(double Raw, double Score)> Knots(JsonObject manifest) =>
        [.. manifest["calibration"]!["knots"]!.AsArray().Select(k => ((double)k![0]!, (double)k[1]!))];

    private void AssertSummaries(JsonObject manifest, float[][] rows, string[] features, float[] raw)
    {
        var knots = Knots(manifest);
        Assert.Equal("piecewise_linear", (string?)manifest["calibration"]!["kind"]);
        Assert.Equal(Percentiles(raw), knots);
        for (var f = 0; f < features.Length; f++)
        {
            var column = rows.Select(r => r[f]).Order().ToArray();
            Assert.Equal(column[column.Length / 2], (float)manifest["reference"]![features[f]]!);
            // Read as the registry reads them (double): the population's own extremes exactly, so neither end is outside.
            Assert.Equal(column[0], (float)(double)manifest["training_ranges"]![features[f]]!["min"]!);
            Assert.Equal(column[^1], (float)(double)manifest["training_ranges"]![features[f]]!["max"]!);
        }
    }

    // What a refusal must leave: the model directory as it was (here, nothing at all).
    private void AssertNothingWritten() =>
        Assert.True(!Directory.Exists(Dir) || !Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories).Any(),
            Directory.Exists(Dir) ? string.Join(", ", Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories)) : "");

    // `models package` of the frequency regressor over annual_km and harsh braking, as telematics@2, with `extra` options.
    private Task<(int Exit, string Output, string Error)> PackageFrequency(string csv, params string[] extra) =>
        CliRunner.RunAsync(["models", "package", "--onnx", Onnx("freq.onnx", FrequencyRegressor()), "--features", csv,
            "--name", "partner-freq", "--version", "1", "--dir", Dir, "--features-list", $"{TelematicsFeaturesV2.AnnualKm},{Braking}", .. extra]);

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
        Assert.DoesNotContain(_packages.Root, (string?)manifest["training"]!["packaged_by"], StringComparison.Ordinal);
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
        var existing = _packages.WriteFolder(Path.Combine("models", "partner-freq", "1"), TestPackages.TreeClassifierManifest("partner-freq", "1"), TestOnnxModels.TreeClassifier());
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
    public async Task Period_days_gives_every_driver_without_a_window_that_window()
    {
        var (exit, _, error) = await PackageFrequency(WriteCsv(days: false), "--kind", "frequency", "--period-days", "14");

        Assert.True(exit == ExitCodes.Success, error);
        // annual_km = distance_km · 365.25 / 14: the largest distance of the population over 14 days.
        var largest = Population().Max(d => d.Vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)]);
        Assert.Equal((float)(largest * (TelematicsFeaturesV2.DaysPerYear / 14)), (float)Manifest("partner-freq", "1")["training_ranges"]![TelematicsFeaturesV2.AnnualKm]!["max"]!);
    }

    // A pandas export of telematics@2 names: annual_km is a rate the CSV does not read (it reads distance_km and the window).
    private string WriteV2NamedCsv()
    {
        var text = new StringBuilder($"driver_id,observed_days,{TelematicsFeaturesV2.AnnualKm},{TelematicsFeatures.NightShare}\n");
        for (var i = 0; i < Drivers; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"d-{i},14,{5000 + (i * 250)},{(1 + (i % 9)) / 10.0}\n");
        }

        var path = Path.Combine(_packages.Root, "v2-names.csv");
        File.WriteAllText(path, text.ToString());
        return path;
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
        var csv = Path.Combine(_packages.Root, "table.csv");
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
        var quoted = Path.Combine(_packages.Root, "quoted.csv");
        File.WriteAllLines(quoted, File.ReadAllLines(plain).Select(line => string.Join(',', line.Split(',').Select(cell => $"\"{cell}\""))));
        string[] features = [TelematicsFeaturesV2.AnnualKm, Braking];

        var (exit, output, error) = await PackageFrequency(quoted, "--kind", "frequency");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
        Assert.Contains($"from {Drivers} drivers of quoted.csv", output, StringComparison.Ordinal);
        var rows = Rows(features);
        AssertSummaries(Manifest("partner-freq", "1"), rows, features, OrtOutputs(FrequencyRegressor(), rows, "features", "frequency"));
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
        var population = Population().Select((d, i) => new Telematics.Scoring.Batch.DriverFeatures($"d-{i}", d.Vector) { ObservedDays = d.Days }).ToList();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var request = new ExternalOnnxRequest
        {
            Name = "partner-freq",
            Version = "1",
            Onnx = FrequencyRegressor(),
            Population = population,
            Features = [TelematicsFeaturesV2.AnnualKm, Braking],
            OutputKind = Telematics.Scoring.Packaging.ModelOutputKind.Frequency,
        };

        Assert.ThrowsAny<OperationCanceledException>(() => ExternalOnnxPackager.Package(request, Dir, cancelled.Token));
        AssertNothingWritten();

        var result = ExternalOnnxPackager.Package(request, Dir);
        Assert.Equal(Drivers, result.Drivers);
        Assert.Equal(Path.Combine(Dir, "partner-freq", "1"), result.Folder);
    }
}
