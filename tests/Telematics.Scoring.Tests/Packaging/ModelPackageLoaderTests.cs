using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

public sealed class ModelPackageLoaderTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Tree_classifier_with_zipmap_loads_from_its_manifest_alone()
    {
        var dir = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier());

        using var package = ModelPackageLoader.Load(dir);

        Assert.Equal("risk-gbm", package.Name);
        Assert.Equal("1", package.Version);
        Assert.Equal(ModelKind.Onnx, package.Kind);
        Assert.Equal(TestOnnxModels.Features, package.Model.Binding.FeatureNames);
        var raw = new float[1];
        package.Model.Score([3f, 20f, 0.9f], raw);
        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(3f, 20f, 0.9f), raw[0], 5);
        Assert.Equal(85, package.Calibration.ToScore(raw[0]), 3);
        Assert.Equal("hand-written test", package.Training!.Value.GetProperty("tool").GetString());
    }

    [Fact]
    public void Reference_row_falls_back_to_the_built_in_references_and_is_smoke_scored()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["reference"] = new JsonObject { [TelematicsFeatures.HarshBrakingPer100Km] = 3f };
        var dir = _packages.WriteFolder("gbm", manifest, TestOnnxModels.TreeClassifier());

        using var package = ModelPackageLoader.Load(dir);

        // harsh braking from the manifest; phone minutes 1 and night share 0.06 from the built-in rules.
        Assert.Equal([3f, 1f, 0.06f], package.ReferenceRow.ToArray());
        Assert.Equal(100 * TestOnnxModels.ExpectedTreeProbability(3f, 1f, 0.06f), package.ReferenceScore, 3);
    }

    [Fact]
    public void Zip_package_loads_like_a_folder()
    {
        var zip = _packages.WriteZip("gbm.zip", TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier());

        using var package = ModelPackageLoader.Load(zip);

        Assert.Equal("risk-gbm@1", package.ToString());
    }

    [Fact]
    public void Rules_package_loads_its_weights_file()
    {
        var rules = """{"intercept": -1.0, "weights": [{"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5}]}"""u8.ToArray();
        var manifest = new JsonObject
        {
            ["name"] = "night-rules", ["version"] = "2", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
        };
        var dir = _packages.WriteFolder("rules", manifest, rules);

        using var package = ModelPackageLoader.Load(dir);

        Assert.Equal(ModelKind.Rules, package.Kind);
        Assert.Equal(100 / (1 + Math.Exp(1.0)), package.ReferenceScore, 4);
    }

    // Written by .NET's Encoding.UTF8, Windows PowerShell 5.1 (Set-Content -Encoding UTF8) or Notepad.
    private static void PrefixWithByteOrderMark(string file) =>
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(file)]);

    [Fact]
    public void Manifest_and_rules_file_with_a_utf8_byte_order_mark_load_from_a_folder_and_a_zip()
    {
        var onnx = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier());
        PrefixWithByteOrderMark(Path.Combine(onnx, "manifest.json"));
        var rules = """{"intercept": -1.0, "weights": [{"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5}]}"""u8.ToArray();
        var manifest = new JsonObject
        {
            ["name"] = "night-rules", ["version"] = "2", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
        };
        var rulesDir = _packages.WriteFolder("rules", manifest, [0xEF, 0xBB, 0xBF, .. rules]);
        PrefixWithByteOrderMark(Path.Combine(rulesDir, "manifest.json"));
        var zip = Path.Combine(_packages.Root, "gbm.zip");
        System.IO.Compression.ZipFile.CreateFromDirectory(onnx, zip);

        using var fromFolder = ModelPackageLoader.Load(onnx);
        using var fromZip = ModelPackageLoader.Load(zip);
        using var rulesPackage = ModelPackageLoader.Load(rulesDir);

        Assert.Equal("risk-gbm@1", fromFolder.ToString());
        Assert.Equal("risk-gbm@1", fromZip.ToString());
        Assert.Equal(100 / (1 + Math.Exp(1.0)), rulesPackage.ReferenceScore, 4);
    }

    [Fact]
    public void Malformed_manifest_with_a_byte_order_mark_is_refused_naming_the_field_and_line()
    {
        var dir = Path.Combine(_packages.Root, "bad");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{\n  \"name\": \"x\",\n  \"kind\": \"tensorflow\"\n}", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("manifest.json: kind must be one of rules, onnx, mlnet", error.Message, StringComparison.Ordinal);
        Assert.Contains("found \"tensorflow\" (line 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_hash_is_refused_naming_both_hashes()
    {
        var dir = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier(), sha256: new string('a', 64));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(new string('a', 64), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_model_file_is_refused_as_not_loadable()
    {
        var bytes = TestOnnxModels.TreeClassifier();
        Array.Resize(ref bytes, bytes.Length - 40);
        var dir = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(), bytes);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("not a loadable ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"knots": [[0.02, 5], [0.10, 50], [0.40, 95]]}""", "calibration.kind is required")]
    [InlineData("""{"kind": "linear", "knots": [[0.02, 5], [0.40, 95]]}""", "calibration.knots does not belong to a linear calibration")]
    [InlineData("""{"kind": "logistic", "scale": 10}""", "calibration.scale does not belong to a logistic calibration")]
    [InlineData("""{"kind": "piecewise_linear", "knots": [[0, 0], [1, 100]], "slope": 2}""", "calibration.slope does not belong to a piecewise_linear calibration")]
    public void A_calibration_without_its_kind_or_with_another_kinds_fields_is_refused_naming_them(string calibration, string expected)
    {
        // Read as written, the first would have served 100·raw (linear, the enum's first value), its knots ignored.
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["calibration"] = System.Text.Json.Nodes.JsonNode.Parse(calibration);
        var dir = _packages.WriteFolder("gbm", manifest, TestOnnxModels.TreeClassifier());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_schema_version_is_refused_naming_both()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["feature_schema"]!["version"] = 3;
        var dir = _packages.WriteFolder("gbm", manifest, TestOnnxModels.TreeClassifier());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("telematics@3", error.Message, StringComparison.Ordinal);
        Assert.Contains("telematics@1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Feature_outside_the_schema_is_refused_naming_it()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["inputs"]!["features"]![2] = "tailgating_share";
        var dir = _packages.WriteFolder("gbm", manifest, TestOnnxModels.TreeClassifier());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("'tailgating_share'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_name_mismatch_is_refused_naming_the_model_input()
    {
        var dir = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier(inputName: "input"));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("'input'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_returning_nan_for_the_reference_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = 0 };
        manifest["reference"] = new JsonObject { [TelematicsFeatures.HarshBrakingPer100Km] = 0f };
        var dir = _packages.WriteFolder("nan", manifest, TestOnnxModels.NaNOnZero());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Contains("must be finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_manifest_is_refused()
    {
        var dir = Path.Combine(_packages.Root, "empty");
        Directory.CreateDirectory(dir);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("has no manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_manifest_is_refused_naming_the_line()
    {
        var dir = Path.Combine(_packages.Root, "bad");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{\n  \"name\": \"x\",\n  \"kind\": \"tensorflow\"\n}");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("manifest.json: kind must be one of rules, onnx, mlnet", error.Message, StringComparison.Ordinal);
        Assert.Contains("found \"tensorflow\" (line 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_file_outside_the_package_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["file"] = "../model.onnx";
        var dir = Path.Combine(_packages.Root, "escape");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("plain file name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reserved_built_in_name_is_refused()
    {
        var dir = _packages.WriteFolder("gbm", TestPackages.TreeClassifierManifest(name: ModelPackage.BuiltInName), TestOnnxModels.TreeClassifier());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_feature_pipeline_package_with_quantile_calibration_scores_through_its_knots()
    {
        var manifest = TestPackages.TreeClassifierManifest("per-feature");
        manifest["inputs"] = new JsonObject
        {
            ["layout"] = "per_feature",
            ["features"] = new JsonArray([.. TestOnnxModels.Features.Select(f => JsonValue.Create(f))]),
        };
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "frequency" };
        manifest["calibration"] = new JsonObject { ["kind"] = "piecewise_linear", ["knots"] = new JsonArray(new JsonArray(0, 0), new JsonArray(100, 50), new JsonArray(200, 100)) };
        var dir = _packages.WriteFolder("pf", manifest, TestOnnxModels.PerFeatureLinear());

        using var package = ModelPackageLoader.Load(dir);

        // 1 + x0 + 10·x1 + 100·x2 at (3, 1, 0.5) = 64, which is 32 on the 0→0, 100→50 segment.
        var raw = new float[1];
        package.Model.Score([3f, 1f, 0.5f], raw);
        Assert.Equal(ModelOutputKind.Frequency, package.OutputKind);
        Assert.Equal(32, package.Calibration.ToScore(raw[0]), 4);
    }

    [Fact]
    public void Frequency_output_without_a_calibration_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "frequency" };
        manifest.Remove("calibration");
        var dir = _packages.WriteFolder("freq", manifest, TestOnnxModels.TreeRegressor());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("needs a 'calibration'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mlnet_package_without_its_loader_is_refused_naming_the_package_to_add()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["kind"] = "mlnet";
        var dir = _packages.WriteFolder("mlnet", manifest, [1, 2, 3]);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("Telematics.Scoring.MLNet", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseMLNetModels()", error.Message, StringComparison.Ordinal);
    }
}
