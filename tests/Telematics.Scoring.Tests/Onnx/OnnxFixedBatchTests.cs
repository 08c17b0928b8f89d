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

/// <summary>Models whose input declares a fixed batch dimension ([1, k] or [n, k]) are run in calls of exactly that many rows.</summary>
public sealed class OnnxFixedBatchTests : IDisposable
{
    // Seven rows: more than one call for every batch size tested, with a remainder for batch 4.
    private static readonly float[][] Rows =
    [
        [1f, 5f, 0.2f], [3f, 5f, 0.2f], [3f, 20f, 0.9f], [2f, 12f, 0.9f], [2.5f, 10f, 0.5f], [0f, 0f, 0f], [7f, 11f, 0.4f],
    ];

    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static OnnxRiskModel Load(byte[] onnx) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", OutputKind = ModelOutputKind.Score });

    private static float[] Score(IRiskModel model, float[][] rows)
    {
        var outputs = new float[rows.Length];
        model.Score(rows.SelectMany(r => r).ToArray(), outputs);
        return outputs;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Fixed_batch_trees_score_what_onnx_runtime_computes_on_the_same_rows(int batch)
    {
        var onnx = WildOnnxModels.FixedBatchTreeRegressor(batch);
        using var model = Load(onnx);

        var outputs = Score(model, Rows);

        Assert.Equal(OrtReference.Run(onnx, "float_input", "variable", Rows, batch, pad: true), outputs);
        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeRegression(Rows[i][0], Rows[i][1], Rows[i][2]), outputs[i], 5);
        }
    }

    [Fact]
    public void Fixed_batch_trees_are_verified_for_exact_contributions()
    {
        using var model = Load(WildOnnxModels.FixedBatchTreeRegressor(1));

        Assert.NotNull(model.Trees);
    }

    [Fact]
    public void Fixed_batch_matmul_scores_what_onnx_runtime_computes_row_by_row()
    {
        var onnx = WildOnnxModels.FixedBatchMatMul(1);
        using var model = Load(onnx);

        var outputs = Score(model, Rows);

        Assert.Equal(OrtReference.Run(onnx, "float_input", "variable", Rows, 1, pad: true), outputs);
        Assert.Equal(WildOnnxModels.ExpectedLinear(3f, 20f, 0.9f), outputs[2], 3);
    }

    [Fact]
    public void Scoring_a_fixed_batch_model_again_allocates_nothing()
    {
        using var model = Load(WildOnnxModels.FixedBatchTreeRegressor(4));
        var inputs = Rows.SelectMany(r => r).ToArray();
        var outputs = new float[Rows.Length];
        model.Score(inputs, outputs);

        Assert.Equal(0, Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10; i++)
            {
                model.Score(inputs, outputs);
            }
        }));
    }

    [Theory]
    [InlineData(true, ContributionMethod.TreeShapBaseline)]
    [InlineData(false, ContributionMethod.PermutationShapley)]
    public void Fixed_batch_1_models_score_with_contributions_that_add_up(bool trees, ContributionMethod method)
    {
        var manifest = TestPackages.TreeClassifierManifest("fixed", "1");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = trees ? 10 : 0.1, ["offset"] = 0 };
        _packages.WriteFolder(Path.Combine("models", "fixed", "1"), manifest, trees ? WildOnnxModels.FixedBatchTreeRegressor(1) : WildOnnxModels.FixedBatchMatMul(1));
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var features = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(features);
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 3f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 20f;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.9f;

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Model = "fixed", Features = features });

        Assert.Equal(method, result.ContributionMethod);
        var expectedRaw = trees ? TestOnnxModels.ExpectedTreeRegression(3f, 20f, 0.9f) : WildOnnxModels.ExpectedLinear(3f, 20f, 0.9f);
        Assert.Equal(expectedRaw * (trees ? 10 : 0.1), result.Score, 3);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 6);
    }

    [Fact]
    public void A_fixed_batch_larger_than_the_sdk_serves_is_refused_naming_it()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.FixedBatchTreeRegressor(1_000_000_000)));

        Assert.Contains("fixed batch dimension of 1000000000 rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("'float_input'", error.Message, StringComparison.Ordinal);
    }
}
