using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>Features a manifest's <c>reference</c> leaves out take the built-in rules' references, under either telematics schema.</summary>
public sealed class ReferenceRowTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Unlisted_features_take_the_rules_references_under_telematics_v1_and_v2_alike()
    {
        string[] features = [TelematicsFeatures.NightShare, TelematicsFeatures.PhoneMinutesPerHour];

        using var v1 = Load("v1", TelematicsFeatures.SchemaVersion, features);
        using var v2 = Load("v2", TelematicsFeaturesV2.SchemaVersion, features);

        Assert.True(TelematicsFeaturesV2.Is(v2.Model.Binding.Schema));
        Assert.Equal([0.06f, 1f], v1.ReferenceRow.ToArray());
        Assert.Equal(v1.ReferenceRow.ToArray(), v2.ReferenceRow.ToArray());
        Assert.Equal(v1.ReferenceScore, v2.ReferenceScore);
    }

    [Fact]
    public void A_v2_exposure_rate_the_manifest_leaves_out_takes_zero()
    {
        // The rules' exposure references are totals of a window they do not name (and weigh 0), so no rate follows from them.
        using var v2 = Load("v2", TelematicsFeaturesV2.SchemaVersion, [TelematicsFeaturesV2.AnnualKm, TelematicsFeatures.NightShare]);

        Assert.Equal([0f, 0.06f], v2.ReferenceRow.ToArray());
    }

    // raw = 1 + 10·x0 + 100·x1, so a reference row of zeros scores differently from the rules' references.
    private ModelPackage Load(string folder, int schemaVersion, string[] features)
    {
        var model = new OnnxBuilder().FloatInput("float_input", 2).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 10, 100).Floats("intercepts", 1))
            .Build();
        var manifest = TestPackages.TreeClassifierManifest("linear");
        manifest["feature_schema"] = new JsonObject { ["name"] = TelematicsFeatures.SchemaName, ["version"] = schemaVersion };
        manifest["inputs"] = new JsonObject
        {
            ["layout"] = "tensor",
            ["tensor_name"] = "float_input",
            ["features"] = new JsonArray([.. features.Select(f => JsonValue.Create(f))]),
        };
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 1, ["offset"] = 0 };
        return ModelPackageLoader.Load(_packages.WriteFolder(folder, manifest, model));
    }
}
