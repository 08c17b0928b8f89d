using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>A model whose weights lie in an external data file is refused by name: the package's SHA-256 would not cover them.</summary>
public sealed class OnnxExternalDataTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void A_model_with_an_external_initializer_is_refused_naming_it_and_its_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => OnnxRiskModel.Load(WildOnnxModels.ExternalWeightMatMul("model.onnx.data"), TelematicsFeatures.Schema,
            new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", OutputKind = ModelOutputKind.Score }));

        Assert.Contains("Initializer 'w' keeps its data in the external file 'model.onnx.data'", error.Message, StringComparison.Ordinal);
        Assert.Contains("external data is not supported: save the model with its weights inside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_is_refused_even_with_the_external_file_beside_the_model()
    {
        var manifest = TestPackages.TreeClassifierManifest("external", "1");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 0.1, ["offset"] = 0 };
        var dir = _packages.WriteFolder("external", manifest, WildOnnxModels.ExternalWeightMatMul("model.onnx.data"));
        File.WriteAllBytes(Path.Combine(dir, "model.onnx.data"), WildOnnxModels.ExternalWeights());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("'model.onnx' is not a loadable ONNX model", error.Message, StringComparison.Ordinal);
        Assert.Contains("external file 'model.onnx.data'", error.Message, StringComparison.Ordinal);
    }
}
