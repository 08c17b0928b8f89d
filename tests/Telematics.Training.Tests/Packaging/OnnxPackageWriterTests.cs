using System.Security.Cryptography;
using System.Text.Json;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Training.Datasets;
using Telematics.Training.Modeling;
using Telematics.Training.Packaging;

namespace Telematics.Training.Tests.Packaging;

public sealed class OnnxPackageWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-training-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_package_loads_through_the_registry_and_scores_held_out_drivers_as_MLNet_did()
    {
        var result = Write("risk-test", "3");

        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _directory, DefaultModel = "risk-test", WatchForChanges = false });
        using var lease = registry.Acquire();
        var package = lease.Package;
        Assert.Equal("risk-test@3", package.ToString());
        Assert.Equal(result.Sha256, package.Sha256);

        var data = SmallPopulation.Data;
        var heldOut = Enumerable.Range(data.Count - 100, 100).ToList();
        var inputs = new float[heldOut.Count * TrainingDataset.FeatureCount];
        var rows = new List<float[]>();
        for (var i = 0; i < heldOut.Count; i++)
        {
            data.Features(heldOut[i]).CopyTo(inputs.AsSpan(i * TrainingDataset.FeatureCount));
            rows.Add(data.Features(heldOut[i]).ToArray());
        }

        var raw = new float[heldOut.Count];
        package.Model.Score(inputs, raw);
        var mlnet = SmallPopulation.TelematicsModel.Predict(rows);
        for (var i = 0; i < raw.Length; i++)
        {
            var frequency = package.OutputKind == ModelOutputKind.Frequency ? raw[i] : Math.Exp(raw[i]);
            Assert.True(Math.Abs(frequency - mlnet[i]) < 1e-4, $"driver {heldOut[i]}: ONNX {frequency} vs ML.NET {mlnet[i]}");
            Assert.InRange(package.Calibration.ToScore(raw[i]), 0, 100);
        }
    }

    [Fact]
    public void The_manifest_says_what_the_raw_output_is_and_carries_the_metrics()
    {
        var result = Write("risk-test", "1");

        using var package = ModelPackageLoader.Load(result.Folder);
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(result.Folder, "manifest.json")));
        var root = manifest.RootElement;

        // FastTree's Poisson trees compute ln(frequency) and ML.NET applies exp after the trees; the export is checked
        // against ML.NET to tell which of the two the graph computes, and the manifest must say the same.
        Assert.Equal(result.Output == PackagedOutput.Frequency ? ModelOutputKind.Frequency : ModelOutputKind.Score, package.OutputKind);
        Assert.Equal(result.Output == PackagedOutput.Frequency ? "frequency" : "score", root.GetProperty("output").GetProperty("kind").GetString());
        Assert.True(result.MaxDifference < 1e-4);
        Assert.Equal(29, root.GetProperty("inputs").GetProperty("features").GetArrayLength());
        Assert.True(root.GetProperty("metrics").GetProperty("normalised_gini").GetDouble() is > -1 and < 1);
        var data = SmallPopulation.Data;
        Assert.Equal(data.Claims.ToArray().Sum() / data.ExposureYears.ToArray().Sum(), root.GetProperty("metrics").GetProperty("training_claim_rate").GetDouble(), 6);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(result.Folder, "model.onnx")))), root.GetProperty("sha256").GetString());
    }

    [Fact]
    public void Scores_spread_over_zero_to_one_hundred_as_percentiles_of_the_training_population()
    {
        var result = Write("risk-test", "2");
        using var package = ModelPackageLoader.Load(result.Folder);

        Assert.Equal(0, result.Knots[0].Score);
        Assert.Equal(100, result.Knots[^1].Score);
        Assert.Equal(0, package.Calibration.ToScore(result.Knots[0].Raw - 1));
        Assert.Equal(100, package.Calibration.ToScore(result.Knots[^1].Raw + 1));
    }

    [Fact]
    public void A_model_that_needs_classical_factors_is_refused()
    {
        var data = SmallPopulation.Data;
        var glm = FrequencyModel.Fit(data, FrequencyModelKind.ClassicalGlm, Enumerable.Range(0, 200).ToList(), SmallPopulation.Training, 1);

        var e = Assert.Throws<ArgumentException>(() => OnnxPackageWriter.Write(
            new PackageRequest { Name = "x", Version = "1", Model = glm, Evaluation = SmallPopulation.CrossValidation.Evaluations[0] }, data, _directory));

        Assert.Contains("trees-telematics", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prepared_package_writes_nothing_until_committed_and_then_replaces_the_version_whole()
    {
        var old = Path.Combine(_directory, "risk-test", "4");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "manifest.json"), "{}");
        File.WriteAllText(Path.Combine(old, "stale.txt"), "from the previous run");

        var prepared = Prepare("risk-test", "4");

        // Exported and checked, the version already there untouched.
        Assert.Equal(["manifest.json", "stale.txt"], Directory.GetFiles(old).Select(Path.GetFileName).Order());
        Assert.Equal(["4"], Directory.GetDirectories(Path.Combine(_directory, "risk-test")).Select(Path.GetFileName));
        var result = prepared.Commit();
        Assert.Equal(old, result.Folder);
        Assert.Equal(["manifest.json", "model.onnx"], Directory.GetFiles(old).Select(Path.GetFileName).Order());
        // No work folder is left beside it, and a second commit is refused.
        Assert.Equal(["4"], Directory.GetDirectories(Path.Combine(_directory, "risk-test")).Select(Path.GetFileName));
        Assert.Throws<InvalidOperationException>(() => prepared.Commit());
        using var package = ModelPackageLoader.Load(result.Folder);
        Assert.Equal("risk-test@4", package.ToString());
    }

    private PackageResult Write(string name, string version) => Prepare(name, version).Commit();

    private PreparedPackage Prepare(string name, string version) => OnnxPackageWriter.Prepare(
        new PackageRequest
        {
            Name = name,
            Version = version,
            Model = SmallPopulation.TelematicsModel,
            Evaluation = SmallPopulation.CrossValidation.Find("trees-telematics")!,
            Oracle = SmallPopulation.CrossValidation.Find("oracle"),
            Training = new Dictionary<string, string> { ["data"] = "synthetic, 600 drivers" },
        },
        SmallPopulation.Data,
        _directory);
}

public sealed class OnnxPackageReproducibilityTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-training-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Refitting_on_the_same_data_with_the_same_seed_on_one_thread_gives_the_same_onnx_bytes()
    {
        // What scripts/build-shipped-model.sh relies on to reproduce the shipped model byte for byte.
        var data = SmallPopulation.Data;
        var options = new TrainingOptions { Folds = 3, Seed = 11, Trees = 40, MinDriversPerLeaf = 40, Threads = 1 };
        var rows = Enumerable.Range(0, data.Count).ToList();
        var evaluation = SmallPopulation.CrossValidation.Find("trees-telematics")!;

        var a = OnnxPackageWriter.Write(
            new PackageRequest { Name = "repro", Version = "1", Model = FrequencyModel.Fit(data, FrequencyModelKind.TreesTelematics, rows, options, 5), Evaluation = evaluation },
            data, _directory);
        var first = File.ReadAllBytes(Path.Combine(a.Folder, "model.onnx"));
        var b = OnnxPackageWriter.Write(
            new PackageRequest { Name = "repro", Version = "1", Model = FrequencyModel.Fit(data, FrequencyModelKind.TreesTelematics, rows, options, 5), Evaluation = evaluation },
            data, _directory);

        Assert.Equal(a.Sha256, b.Sha256);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(b.Folder, "model.onnx")));
    }
}
