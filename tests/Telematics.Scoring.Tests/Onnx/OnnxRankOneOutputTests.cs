using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>A float output of rank 1 ([N], as torch.onnx and tf2onnx write a squeezed regression) is read like [N, 1].</summary>
public sealed class OnnxRankOneOutputTests : IDisposable
{
    // Seven rows: two calls and a remainder for a fixed batch of 4.
    private static readonly float[][] Rows =
    [
        [1f, 5f, 0.2f], [3f, 5f, 0.2f], [3f, 20f, 0.9f], [2f, 12f, 0.9f], [2.5f, 10f, 0.5f], [0f, 0f, 0f], [7f, 11f, 0.4f],
    ];

    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static void AssertLinear(IRiskModel model)
    {
        var outputs = new float[Rows.Length];
        model.Score(Rows.SelectMany(r => r).ToArray(), outputs);
        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(WildOnnxModels.ExpectedLinear(Rows[i][0], Rows[i][1], Rows[i][2]), outputs[i], 3);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1L)]
    [InlineData(4L)]
    public void A_rank_1_output_scores_its_values_through_OnnxRiskModel(long? batch)
    {
        using var model = OnnxRiskModel.Load(WildOnnxModels.SqueezedLinear(batch), TelematicsFeatures.Schema, new OnnxModelSpec
        {
            TensorInputName = "x",
            Features = TestOnnxModels.Features,
            OutputName = "y",
            OutputKind = ModelOutputKind.Score,
        });

        AssertLinear(model);
        Assert.Equal("y: float tensor, column 0", model.OutputDescription);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(4L)]
    public void A_rank_1_output_loads_from_a_package_and_scores_its_values(long? batch)
    {
        var manifest = TestPackages.TreeClassifierManifest("squeezed", "1");
        manifest["inputs"]!["tensor_name"] = "x";
        manifest["output"] = new JsonObject { ["name"] = "y", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 0.1, ["offset"] = 0 };
        var dir = _packages.WriteFolder($"squeezed-{batch}", manifest, WildOnnxModels.SqueezedLinear(batch));

        using var package = ModelPackageLoader.Load(dir);

        AssertLinear(package.Model);
        Assert.Equal(WildOnnxModels.ExpectedLinear(package.ReferenceRow[0], package.ReferenceRow[1], package.ReferenceRow[2]), package.ReferenceRaw, 3);
    }
}
