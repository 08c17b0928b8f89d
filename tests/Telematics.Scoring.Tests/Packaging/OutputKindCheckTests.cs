using System.Text.Json.Nodes;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>The reference row's raw output must be a value the manifest's output.kind can take, or the package is refused.</summary>
public sealed class OutputKindCheckTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    // TestOnnxModels.Constant returns its value for every row, so it stands for the reference row's raw output.
    private string Write(string kind, float raw, JsonObject? calibration = null)
    {
        var manifest = TestPackages.TreeClassifierManifest("kinds", "1");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = kind };
        manifest["calibration"] = calibration ?? new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 };
        return _packages.WriteFolder($"{kind}-{raw}", manifest, TestOnnxModels.Constant(raw));
    }

    [Theory]
    [InlineData(-1.3f)]
    [InlineData(2.4f)]
    public void A_logit_declared_a_probability_is_refused_suggesting_a_score_with_logistic_calibration(float logit)
    {
        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(Write("probability", logit)));

        Assert.Contains("'model.onnx' output 'variable'", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside [0, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"score\" with a logistic calibration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_rate_declared_a_frequency_is_refused_suggesting_an_exp_or_a_score()
    {
        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(Write("frequency", -2.3f)));

        Assert.Contains("'model.onnx' output 'variable'", error.Message, StringComparison.Ordinal);
        Assert.Contains("below 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Exp", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"score\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("probability", 0f)]
    [InlineData("probability", 1f)]
    [InlineData("frequency", 0f)]
    [InlineData("frequency", 3.5f)]
    [InlineData("score", -2.3f)]
    public void Values_the_kind_can_take_load(string kind, float raw)
    {
        using var package = ModelPackageLoader.Load(Write(kind, raw));

        Assert.Equal(raw, package.ReferenceRaw, 6);
    }
}
