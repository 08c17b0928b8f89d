using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Telematics.Features.Schema;

namespace Telematics.Scoring.MLNet.Tests.TestModels;

/// <summary>Writes ML.NET model packages into a temporary directory that is deleted on dispose.</summary>
internal sealed class MLNetPackages : IDisposable
{
    public MLNetPackages()
    {
        Root = Path.Combine(Path.GetTempPath(), "telematics-mlnet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string ModelsRoot => Path.Combine(Root, "models");

    /// <summary>The manifest of <paramref name="model"/>: its layout, the four features, its output and a linear calibration.</summary>
    public static JsonObject Manifest(TrainedModel model, string name = "risk-mlnet", string version = "1") => new()
    {
        ["name"] = name,
        ["version"] = version,
        ["kind"] = "mlnet",
        ["file"] = "model.zip",
        ["feature_schema"] = new JsonObject { ["name"] = TelematicsFeatures.SchemaName, ["version"] = TelematicsFeatures.SchemaVersion },
        ["inputs"] = new JsonObject
        {
            ["layout"] = model.ScalarColumns ? "per_feature" : "tensor",
            ["features"] = new JsonArray([.. MLNetTestModels.Features.Select(f => JsonValue.Create(f))]),
        },
        ["output"] = model.ScalarColumns
            ? new JsonObject { ["name"] = "Probability", ["kind"] = "probability" }
            : new JsonObject { ["name"] = "Score", ["kind"] = "score" },
        ["calibration"] = model.ScalarColumns
            ? new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 }
            : new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = 0 },
        ["training"] = new JsonObject { ["tool"] = "ML.NET 5.0.1 FastTree (test)" },
    };

    /// <summary>Writes a package folder with the manifest's sha256 computed from <paramref name="modelFile"/>.</summary>
    public string WriteFolder(string relativeDir, JsonObject manifest, byte[] modelFile)
    {
        var dir = Path.Combine(Root, relativeDir);
        Directory.CreateDirectory(dir);
        manifest["sha256"] = Convert.ToHexStringLower(SHA256.HashData(modelFile));
        File.WriteAllBytes(Path.Combine(dir, (string)manifest["file"]!), modelFile);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalising model; the temp folder is cleaned by the OS.
        }
    }
}
