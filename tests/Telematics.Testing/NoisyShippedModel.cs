using System.Text.Json.Nodes;

using Telematics.Scoring.Packaging;
using Telematics.Scoring.Shipped;

namespace Telematics.Testing;

/// <summary>
/// A temporary model directory holding the shipped package (<see cref="ShippedModel"/>, at <c>champion</c>) with a
/// manifest <c>sampling_noise</c> block, so its scores carry an interval whether or not the shipped manifest records one.
/// </summary>
public sealed class NoisyShippedModel : IDisposable
{
    /// <summary>The standard deviation per trip written into the manifest.</summary>
    public const double PerTripSd = 0.93;

    /// <summary>Extracts the package and adds the block to its manifest.</summary>
    public NoisyShippedModel()
    {
        Root = Path.Combine(Path.GetTempPath(), "telematics-noisy-model-" + Guid.NewGuid().ToString("N"));
        var manifestPath = Path.Combine(ShippedModel.ExtractTo(Root), "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["sampling_noise"] = new JsonObject { ["per"] = SamplingNoise.PerTrip, ["sd"] = PerTripSd };
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }

    /// <summary>The model directory.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher still holding the folder; the OS cleans the temp folder.
        }
    }
}
