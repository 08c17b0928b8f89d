using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// Each exporter's graph layout loads with the manifest docs/models.md gives for it and scores the hand-computed value;
/// a package of it scores with contributions that add up.
/// </summary>
public sealed class OnnxExportCoverageTests : IDisposable
{
    // Rows reaching every leaf of the shared trees, plus a row with missing values.
    private static readonly float[][] Rows =
    [
        [1f, 5f, 0.2f], [3f, 5f, 0.2f], [3f, 20f, 0.9f], [2f, 12f, 0.9f], [2.5f, 10f, 0.5f], [float.NaN, 4f, float.NaN],
    ];

    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    public sealed record Export(string Name, Func<byte[]> Model, string Output, string Kind, string? PositiveClass, int? PositiveIndex, Func<float, float, float, double> Expected, bool HandlesMissing = false);

    private static readonly Dictionary<string, Export> Exports = new[]
    {
        new Export("sklearn-logistic-pipeline", ExporterOnnxModels.SklearnLogisticPipeline, "output_probability", "probability", null, null, ExporterOnnxModels.ExpectedSklearnLogistic, HandlesMissing: true),
        new Export("sklearn-forest-pipeline", ExporterOnnxModels.SklearnForestPipeline, "output_probability", "probability", "risky", null, ExporterOnnxModels.ExpectedSklearnForest),
        new Export("xgboost-binary", () => ExporterOnnxModels.XgboostBinary(), "probabilities", "probability", null, null, ExporterOnnxModels.ExpectedXgboostBinary),
        new Export("xgboost-binary-declared-1-column", () => ExporterOnnxModels.XgboostBinary(declaredColumns: 1, opaqueShape: true), "probabilities", "probability", null, null, ExporterOnnxModels.ExpectedXgboostBinary),
        new Export("gbm-softmax", ExporterOnnxModels.GbmSoftmax, "output_probability", "probability", "2", null, (a, b, c) => ExporterOnnxModels.ExpectedGbmSoftmax(a, b, c, 2)),
        new Export("lightgbm-poisson", ExporterOnnxModels.LightgbmPoisson, "variable", "frequency", null, null, ExporterOnnxModels.ExpectedLightgbmPoisson),
        new Export("ml-opset-1", () => ExporterOnnxModels.TreeRegressorAtOpset(1), "variable", "score", null, null, TestOnnxModels.ExpectedTreeRegression),
        new Export("ml-opset-2", () => ExporterOnnxModels.TreeRegressorAtOpset(2), "variable", "score", null, null, TestOnnxModels.ExpectedTreeRegression),
        new Export("ml-opset-3", () => ExporterOnnxModels.TreeRegressorAtOpset(3), "variable", "score", null, null, TestOnnxModels.ExpectedTreeRegression),
        new Export("tree-ensemble-opset-5", ExporterOnnxModels.TreeEnsembleOpset5, "variable", "score", null, null, TestOnnxModels.ExpectedTreeRegression),
        new Export("two-targets", ExporterOnnxModels.TwoTargetTrees, "variable", "frequency", null, 1, (_, x1, _) => ExporterOnnxModels.ExpectedSecondTarget(x1)),
    }.ToDictionary(e => e.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names => [.. Exports.Keys];

    private static OnnxModelSpec Spec(Export export) => new()
    {
        Features = TestOnnxModels.Features,
        OutputName = export.Output,
        PositiveClass = export.PositiveClass,
        PositiveIndex = export.PositiveIndex,
        OutputKind = Enum.Parse<ModelOutputKind>(export.Kind, ignoreCase: true),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_export_scores_its_hand_computed_value(string name)
    {
        var export = Exports[name];
        using var model = OnnxRiskModel.Load(export.Model(), TelematicsFeatures.Schema, Spec(export));
        var rows = export.HandlesMissing ? Rows : Rows[..^1];
        var outputs = new float[rows.Length];

        model.Score(rows.SelectMany(r => r).ToArray(), outputs);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(export.Expected(rows[i][0], rows[i][1], rows[i][2]), outputs[i], 5);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_export_as_a_package_scores_with_contributions_that_add_up(string name)
    {
        var export = Exports[name];
        var manifest = TestPackages.TreeClassifierManifest(name, "1");
        var output = new JsonObject { ["name"] = export.Output, ["kind"] = export.Kind };
        if (export.PositiveClass is not null)
        {
            output["positive_class"] = export.PositiveClass;
        }

        if (export.PositiveIndex is not null)
        {
            output["positive_index"] = export.PositiveIndex;
        }

        manifest["output"] = output;
        manifest["calibration"] = export.Kind == "probability"
            ? new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 }
            : new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = -2 };
        _packages.WriteFolder(Path.Combine("models", name, "1"), manifest, export.Model());
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var features = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(features);
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 3f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 20f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.9f;

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Model = name, Features = features });

        Assert.Equal(export.Expected(3f, 20f, 0.9f), result.RawOutput, 5);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 6);
    }

    [Theory]
    [InlineData("xgboost-binary")]
    [InlineData("lightgbm-poisson", false)]
    [InlineData("ml-opset-1")]
    [InlineData("ml-opset-3")]
    public void Tree_exports_read_directly_from_the_input_get_exact_tree_contributions(string name, bool exact = true)
    {
        using var model = OnnxRiskModel.Load(Exports[name].Model(), TelematicsFeatures.Schema, Spec(Exports[name]));

        // An Exp after the trees is not explained exactly (the model-agnostic method serves it).
        Assert.Equal(exact, model.Trees is not null);
    }

    [Theory]
    [InlineData(true, null, null)]
    [InlineData(true, null, 1)]
    [InlineData(true, "1", null)]
    [InlineData(false, null, null)]
    [InlineData(false, "1", null)]
    public void A_binary_classifier_declared_one_column_but_returning_two_reads_column_1(bool opaqueShape, string? positiveClass, int? positiveIndex)
    {
        // onnxmltools declares [N, 1]; ONNX Runtime returns [N, 2] (onnxruntime#20908). Column 0 would invert the risk.
        var export = Exports["xgboost-binary-declared-1-column"] with
        {
            Model = () => ExporterOnnxModels.XgboostBinary(declaredColumns: 1, opaqueShape),
            PositiveClass = positiveClass,
            PositiveIndex = positiveIndex,
        };
        using var model = OnnxRiskModel.Load(export.Model(), TelematicsFeatures.Schema, Spec(export));
        var outputs = new float[2];

        model.Score([1f, 5f, 0.2f, 3f, 20f, 0.9f], outputs);

        // P(class 1) = Sigmoid(-0.2 - 1 - 0.5) and Sigmoid(-0.2 + 1.5 + 0.8): low for the calm row, high for the risky one.
        Assert.Equal(1 / (1 + Math.Exp(1.7)), outputs[0], 5);
        Assert.Equal(1 / (1 + Math.Exp(-2.1)), outputs[1], 5);
        if (opaqueShape)
        {
            Assert.Contains("(declared a float tensor [N, 1]; ONNX Runtime returns [N, 2])", model.OutputDescription, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_targets_without_an_index_are_refused()
    {
        var export = Exports["two-targets"] with { PositiveIndex = null };

        var error = Assert.Throws<ModelBindingException>(() => OnnxRiskModel.Load(export.Model(), TelematicsFeatures.Schema, Spec(export)));

        Assert.Contains("2 columns and output.kind is 'frequency'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_float64_model_scores_the_same_as_its_float32_twin()
    {
        var spec = new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", OutputKind = ModelOutputKind.Score };
        using var single = OnnxRiskModel.Load(WildOnnxModels.LinearOfType(float64: false), TelematicsFeatures.Schema, spec);
        using var twin = OnnxRiskModel.Load(WildOnnxModels.LinearOfType(float64: true), TelematicsFeatures.Schema, spec);
        var rows = Rows[..^1].SelectMany(r => r).ToArray();
        var fromSingle = new float[Rows.Length - 1];
        var fromDouble = new float[Rows.Length - 1];

        single.Score(rows, fromSingle);
        twin.Score(rows, fromDouble);
        twin.Score(rows, fromDouble);

        Assert.Equal("variable: double tensor, column 0", twin.OutputDescription);
        for (var i = 0; i < fromDouble.Length; i++)
        {
            Assert.Equal(WildOnnxModels.ExpectedLinear(Rows[i][0], Rows[i][1], Rows[i][2]), fromDouble[i], 4);
            Assert.Equal(fromSingle[i], fromDouble[i], 4);
        }
    }

    [Fact]
    public void A_float64_model_scores_a_repeated_batch_without_allocating()
    {
        using var model = OnnxRiskModel.Load(WildOnnxModels.LinearOfType(float64: true), TelematicsFeatures.Schema,
            new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", OutputKind = ModelOutputKind.Score });
        var rows = Rows[..^1].SelectMany(r => r).ToArray();
        var outputs = new float[Rows.Length - 1];
        model.Score(rows, outputs);

        // The least of five, as every allocation test here: tiered compilation on a busy machine shows in one at most.
        Assert.Equal(0, Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10; i++)
            {
                model.Score(rows, outputs);
            }
        }));
    }
}
