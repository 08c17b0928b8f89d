using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Registry;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>Writes model packages (folder or .zip) for tests into a temporary directory that is deleted on dispose.</summary>
internal sealed class TestPackages : IDisposable
{
    public TestPackages()
    {
        Root = Path.Combine(Path.GetTempPath(), "telematics-scoring-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The acceptance manifest: TreeEnsembleClassifier + ZipMap, input <c>float_input</c>, positive class 1.</summary>
    public static JsonObject TreeClassifierManifest(string name = "risk-gbm", string version = "1") => new()
    {
        ["name"] = name,
        ["version"] = version,
        ["kind"] = "onnx",
        ["file"] = "model.onnx",
        ["feature_schema"] = new JsonObject { ["name"] = TelematicsFeatures.SchemaName, ["version"] = TelematicsFeatures.SchemaVersion },
        ["inputs"] = new JsonObject
        {
            ["layout"] = "tensor",
            ["tensor_name"] = "float_input",
            ["features"] = new JsonArray([.. TestOnnxModels.Features.Select(f => JsonValue.Create(f))]),
        },
        ["output"] = new JsonObject { ["name"] = "output_probability", ["kind"] = "probability", ["positive_class"] = "1" },
        ["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 },
        ["training"] = new JsonObject { ["tool"] = "hand-written test", ["rows"] = 0 },
        ["metrics"] = new JsonObject { ["auc"] = 0.5 },
    };

    /// <summary>A score-output package of <see cref="TestOnnxModels.Constant"/> whose raw output is its version number.</summary>
    public string WriteConstantVersion(string name, int version)
    {
        var manifest = TreeClassifierManifest(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 10, ["offset"] = 0 };
        return WriteFolder(Path.Combine("models", name, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), manifest, TestOnnxModels.Constant(version));
    }

    public string ModelsRoot => Path.Combine(Root, "models");

    /// <summary>A registry over <see cref="ModelsRoot"/>, reloading <paramref name="debounce"/> (100 ms) after a change when it watches.</summary>
    public ModelRegistry OpenRegistry(bool watch = false, TimeSpan? debounce = null) =>
        new(new ModelRegistryOptions { ModelDirectory = ModelsRoot, WatchForChanges = watch, ReloadDebounce = debounce ?? TimeSpan.FromMilliseconds(100) });

    /// <summary>The raw output of a leased <see cref="WriteConstantVersion"/> package: its version number.</summary>
    public static float RawOutput(ModelLease lease)
    {
        var output = new float[1];
        lease.Package.Model.Score(new float[3], output);
        return output[0];
    }

    /// <summary>Writes a package folder; the manifest's sha256 is computed unless <paramref name="sha256"/> is given.</summary>
    public string WriteFolder(string relativeDir, JsonObject manifest, byte[] modelFile, string? sha256 = null)
    {
        var dir = Path.Combine(Root, relativeDir);
        Directory.CreateDirectory(dir);
        var file = (string)manifest["file"]!;
        manifest["sha256"] = sha256 ?? Convert.ToHexStringLower(SHA256.HashData(modelFile));
        File.WriteAllBytes(Path.Combine(dir, file), modelFile);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
        return dir;
    }

    /// <summary>Writes a package .zip with the manifest and model at its root.</summary>
    public string WriteZip(string fileName, JsonObject manifest, byte[] modelFile)
    {
        var folder = WriteFolder(Path.GetFileNameWithoutExtension(fileName) + "-src", manifest, modelFile);
        var zip = Path.Combine(Root, fileName);
        ZipFile.CreateFromDirectory(folder, zip);
        return zip;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A model file still mapped by a finalising session; the temp folder is cleaned by the OS.
        }
    }
}
