using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.MLNet.Tests.TestModels;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.MLNet.Tests;

public sealed class MLNetModelLoaderTests : IDisposable
{
    private static readonly IModelKindLoader[] Loaders = [new MLNetModelLoader()];
    private readonly MLNetPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Package_loads_with_its_identity_calibration_and_a_finite_reference_score()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Binary, "risk-mlnet", "7");
        manifest["reference"] = new JsonObject { [TelematicsFeatures.NightShare] = 0.05, [TelematicsFeatures.SpeedingShare] = 0.02 };
        var dir = _packages.WriteFolder("ok", manifest, MLNetTestModels.Binary.Zip);

        using var package = ModelPackageLoader.Load(dir, loaders: Loaders);

        Assert.Equal("risk-mlnet@7", package.ToString());
        Assert.Equal(ModelKind.MLNet, package.Kind);
        Assert.Equal(MLNetTestModels.Features, package.Model.Binding.FeatureNames);
        Assert.True(double.IsFinite(package.ReferenceScore));
        var model = Assert.IsType<MLNetRiskModel>(package.Model);
        Assert.Contains("4 Single columns", model.InputDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_defaults_to_Score_for_a_score_output_when_the_manifest_names_none()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Regression);
        ((JsonObject)manifest["output"]!).Remove("name");
        var dir = _packages.WriteFolder("default-output", manifest, MLNetTestModels.Regression.Zip);

        using var package = ModelPackageLoader.Load(dir, loaders: Loaders);

        Assert.Equal("Score", ((MLNetRiskModel)package.Model).OutputName);
    }

    [Fact]
    public void Corrupt_model_zip_is_refused_naming_the_file()
    {
        var corrupt = MLNetTestModels.Regression.Zip.ToArray();
        Array.Fill(corrupt, (byte)0x5A, corrupt.Length / 3, corrupt.Length / 3);
        var dir = _packages.WriteFolder("corrupt", MLNetPackages.Manifest(MLNetTestModels.Regression), corrupt);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains("'model.zip' is not a loadable MLNet model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scalar_column_the_model_lacks_is_refused_naming_the_column()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Binary);
        var features = (JsonArray)manifest["inputs"]!["features"]!;
        features[3] = TelematicsFeatures.PhoneMovingShare;
        var dir = _packages.WriteFolder("missing", manifest, MLNetTestModels.Binary.Zip);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains($"no input column '{TelematicsFeatures.PhoneMovingShare}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scalar_column_the_manifest_omits_but_the_model_needs_is_refused_naming_the_column()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Binary);
        ((JsonArray)manifest["inputs"]!["features"]!).RemoveAt(3);
        var dir = _packages.WriteFolder("omitted", manifest, MLNetTestModels.Binary.Zip);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains(TelematicsFeatures.PhoneMinutesPerHour, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vector_column_of_another_width_is_refused_naming_the_column_and_both_widths()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Regression);
        ((JsonArray)manifest["inputs"]!["features"]!).Add(TelematicsFeatures.PhoneMovingShare);
        var dir = _packages.WriteFolder("wide", manifest, MLNetTestModels.Regression.Zip);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains("Input column 'Features' holds 4 values but the manifest lists 5 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vector_column_name_the_model_lacks_is_refused_listing_its_inputs()
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Regression);
        manifest["inputs"]!["tensor_name"] = "float_input";
        var dir = _packages.WriteFolder("renamed", manifest, MLNetTestModels.Regression.Zip);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains("vector input column 'float_input'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Features'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PredictedLabel", "is Boolean")]
    [InlineData("Margin", "no output column 'Margin'")]
    public void Output_that_is_not_a_float_column_of_the_model_is_refused(string output, string expected)
    {
        var manifest = MLNetPackages.Manifest(MLNetTestModels.Binary);
        manifest["output"]!["name"] = output;
        var dir = _packages.WriteFolder(output, manifest, MLNetTestModels.Binary.Zip);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir, loaders: Loaders));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
