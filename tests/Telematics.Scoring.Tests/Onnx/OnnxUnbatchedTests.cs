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
/// Models exported without a batch dimension (<c>torch.onnx.export(net, torch.zeros(k))</c>: input [k], output [1] or a scalar)
/// are served as a fixed batch of one row, run as [k].
/// </summary>
public sealed class OnnxUnbatchedTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static OnnxRiskModel Load(byte[] onnx) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            TensorInputName = "x",
            Features = TestOnnxModels.Features,
            OutputName = "y",
            OutputKind = ModelOutputKind.Score,
        });

    private static float[] Rows(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => new[] { i % 7 * 0.5f, i % 13, i % 10 / 10f })];

    private static float[] Score(IRiskModel model, float[] rows)
    {
        var outputs = new float[rows.Length / 3];
        model.Score(rows, outputs);
        return outputs;
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 100)]
    [InlineData(true, 1)]
    [InlineData(true, 100)]
    public void An_unbatched_model_scores_what_its_batch_dimension_twin_scores(bool scalar, int count)
    {
        using var model = Load(WildOnnxModels.UnbatchedLinear(scalar));
        using var twin = Load(WildOnnxModels.SqueezedLinear());
        var rows = Rows(count);

        var outputs = Score(model, rows);

        Assert.Equal(1, model.RowsPerCall);
        Assert.Equal(Score(twin, rows), outputs);
        for (var r = 0; r < count; r++)
        {
            Assert.Equal(WildOnnxModels.ExpectedLinear(rows[3 * r], rows[3 * r + 1], rows[3 * r + 2]), outputs[r], 3);
        }

        Assert.Equal("y: float tensor, column 0", model.OutputDescription);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scoring_an_unbatched_model_again_allocates_nothing(bool scalar)
    {
        using var model = Load(WildOnnxModels.UnbatchedLinear(scalar));
        var rows = Rows(100);
        var outputs = new float[100];
        model.Score(rows, outputs);

        Assert.Equal(0, Allocations.LeastOf(5, () => model.Score(rows, outputs)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_unbatched_model_loads_from_a_package_and_scores_with_contributions_that_add_up(bool scalar)
    {
        var manifest = TestPackages.TreeClassifierManifest("unbatched", "1");
        manifest["inputs"]!["tensor_name"] = "x";
        manifest["output"] = new JsonObject { ["name"] = "y", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 0.1, ["offset"] = 0 };
        var dir = _packages.WriteFolder(Path.Combine("models", "unbatched", "1"), manifest, WildOnnxModels.UnbatchedLinear(scalar));
        using (var package = ModelPackageLoader.Load(dir))
        {
            Assert.Equal(WildOnnxModels.ExpectedLinear(package.ReferenceRow[0], package.ReferenceRow[1], package.ReferenceRow[2]), package.ReferenceRaw, 3);
        }

        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var features = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(features);
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 3f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 20f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.9f;

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Model = "unbatched", Features = features });

        Assert.Equal(ContributionMethod.PermutationShapley, result.ContributionMethod);
        Assert.Equal(WildOnnxModels.ExpectedLinear(3f, 20f, 0.9f) * 0.1, result.Score, 3);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 6);
    }

    [Fact]
    public void An_unbatched_input_of_another_length_than_the_features_is_refused_naming_both()
    {
        var onnx = new OnnxBuilder().Input("x", OnnxBuilder.Float, 4).Output("y", OnnxBuilder.Float, 1)
            .FloatInitializer("w", [4, 1], [1, 10, 100, 1000])
            .Node("MatMul", "", ["x", "w"], ["y"]).Build();

        var error = Assert.Throws<ModelBindingException>(() => Load(onnx));

        Assert.Contains("one row of 4 values without a batch dimension, but the manifest lists 3 feature(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unbatched_model_with_several_output_values_is_refused_naming_what_is_read()
    {
        var onnx = new OnnxBuilder().Input("x", OnnxBuilder.Float, 3).Output("y", OnnxBuilder.Float, 2)
            .FloatInitializer("w", [3, 2], [1, 2, 10, 20, 100, 200])
            .Node("MatMul", "", ["x", "w"], ["y"]).Build();

        var error = Assert.Throws<ModelBindingException>(() => Load(onnx));

        Assert.Contains("returned 2 values for the one row of an input without a batch dimension", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rank_1_input_of_open_length_is_refused_as_ambiguous()
    {
        var onnx = new OnnxBuilder().Input("x", OnnxBuilder.Float, OnnxBuilder.Symbolic).Output("y", OnnxBuilder.Float, OnnxBuilder.Symbolic)
            .Node("Identity", "", ["x"], ["y"]).Build();

        var error = Assert.Throws<ModelBindingException>(() => Load(onnx));

        Assert.Contains("may be one row or a batch of single values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scalar_output_of_a_fixed_batch_of_1_is_its_row_s_value()
    {
        using var model = Load(WildOnnxModels.BatchSummedToScalar(1));
        var rows = Rows(5);

        var outputs = Score(model, rows);

        for (var r = 0; r < outputs.Length; r++)
        {
            Assert.Equal(WildOnnxModels.ExpectedLinear(rows[3 * r], rows[3 * r + 1], rows[3 * r + 2]), outputs[r], 3);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(4L)]
    public void A_scalar_output_of_a_batch_is_refused_since_no_row_owns_it(long? batch)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.BatchSummedToScalar(batch)));

        Assert.Contains("has rank 0 when run; [N] or [N, C] is required (or a scalar, for a model run on one row at a time)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_feature_inputs_of_shape_1_are_still_refused_since_one_feature_and_one_row_of_a_batch_look_alike()
    {
        var features = TestOnnxModels.Features;
        var onnx = new OnnxBuilder().Input(features[0], OnnxBuilder.Float, 1).Input(features[1], OnnxBuilder.Float, 1).Input(features[2], OnnxBuilder.Float, 1)
            .Output("y", OnnxBuilder.Float, 1)
            .Node("Sum", "", [features[0], features[1], features[2]], ["y"]).Build();

        var error = Assert.Throws<ModelBindingException>(() => OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            InputLayout = OnnxInputLayout.PerFeature,
            Features = features,
            OutputName = "y",
            OutputKind = ModelOutputKind.Score,
        }));

        Assert.Contains("of rank 1; a [N, 1] tensor is required", error.Message, StringComparison.Ordinal);
    }
}
