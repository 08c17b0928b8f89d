using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>For an input of unstated width [N, ?], what the graph reads must match the number of features the manifest lists.</summary>
public sealed class OnnxInputWidthTests
{
    private static readonly string[] FourFeatures = [.. TestOnnxModels.Features, TelematicsFeatures.LateNightShare];

    private static OnnxRiskModel Load(byte[] onnx, string[] features) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = features, OutputName = "variable", OutputKind = ModelOutputKind.Score });

    public static TheoryData<string, string> Models => new()
    {
        { "gemm", "Gemm's weight 'w' is [3, 1]" },
        { "gemm-transposed", "Gemm's weight 'w' is [1, 3] (transB)" },
        { "scaled-linear", "LinearRegressor has 3 coefficient(s) for 1 target(s)" },
        { "trees", "TreeEnsembleRegressor splits on feature ids up to 2" },
    };

    private static byte[] Model(string name) => name switch
    {
        "gemm" => WildOnnxModels.GemmRegressor(transposed: false),
        "gemm-transposed" => WildOnnxModels.GemmRegressor(transposed: true),
        "scaled-linear" => WildOnnxModels.UnknownWidthScaledLinear(),
        _ => WildOnnxModels.UnknownWidthTreeRegressor(),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void More_manifest_features_than_the_graph_reads_are_refused_naming_both_numbers(string model, string evidence)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(Model(model), FourFeatures));

        Assert.Contains(model == "trees" ? "reads columns 0–2" : "reads 3 columns", error.Message, StringComparison.Ordinal);
        Assert.Contains(evidence, error.Message, StringComparison.Ordinal);
        Assert.Contains("lists 4 feature(s)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fewer_manifest_features_than_the_graph_reads_are_refused(string model, string evidence)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(Model(model), TestOnnxModels.Features[..2]));

        Assert.Contains(evidence, error.Message, StringComparison.Ordinal);
        Assert.Contains("lists 2 feature(s)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemm")]
    [InlineData("gemm-transposed")]
    [InlineData("scaled-linear")]
    public void The_matching_manifest_scores_the_linear_value(string model)
    {
        using var loaded = Load(Model(model), TestOnnxModels.Features);
        var outputs = new float[1];

        loaded.Score([2f, 3f, 0.5f], outputs);

        Assert.Equal(WildOnnxModels.ExpectedLinear(2f, 3f, 0.5f), outputs[0], 4);
    }

    [Fact]
    public void The_matching_manifest_scores_the_trees()
    {
        using var loaded = Load(Model("trees"), TestOnnxModels.Features);
        var outputs = new float[1];

        loaded.Score([3f, 20f, 0.9f], outputs);

        Assert.Equal(TestOnnxModels.ExpectedTreeRegression(3f, 20f, 0.9f), outputs[0], 5);
    }
}
