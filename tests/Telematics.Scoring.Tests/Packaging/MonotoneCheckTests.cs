using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>The monotonicity sweep a package's <c>monotone</c> block asks for at load.</summary>
public sealed class MonotoneCheckTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void A_non_finite_output_anywhere_in_the_sweep_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest();
        manifest["kind"] = "mlnet";
        manifest["file"] = "model.bin";
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 1, ["offset"] = 0 };
        manifest["training_ranges"] = new JsonObject { [TelematicsFeatures.NightShare] = new JsonObject { ["min"] = 0, ["max"] = 0.5 } };
        manifest["monotone"] = new JsonObject { [TelematicsFeatures.NightShare] = "increasing" };
        var dir = _packages.WriteFolder("nan-above", manifest, [1, 2, 3]);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: [new NanAboveLoader()]));

        // Increasing up to 0.3, NaN above: every comparison with NaN is false, so the sweep let it through.
        Assert.Contains("night_share is declared increasing (monotone) but the model's output is NaN at 0.3125", error.Message, StringComparison.Ordinal);
    }

    private sealed class NanAboveLoader : IModelKindLoader
    {
        public ModelKind Kind => ModelKind.MLNet;

        public IRiskModel Load(ModelFileContext context) => new NanAbove(ModelInputBinding.Create(context.Schema, context.Features));
    }

    // Output: the night share, increasing, but NaN above 0.3.
    private sealed class NanAbove(ModelInputBinding binding) : IRiskModel
    {
        public ModelInputBinding Binding => binding;

        public void Score(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            var night = inputs[binding.FeatureNames.ToList().IndexOf(TelematicsFeatures.NightShare)];
            outputs[0] = night > 0.3f ? float.NaN : night;
        }

        public void Dispose()
        {
        }
    }
}
