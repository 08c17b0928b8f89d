using Telematics.Scoring.Shipped;

namespace Telematics.Testing;

/// <summary>
/// A temporary model directory holding the shipped package (<see cref="ShippedModel"/>, at <c>champion</c>), whose
/// manifest records its <c>sampling_noise</c>, so its scores carry an interval.
/// </summary>
public sealed class ShippedModelFolder : IDisposable
{
    /// <summary>Extracts the package.</summary>
    public ShippedModelFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "telematics-shipped-model-" + Guid.NewGuid().ToString("N"));
        ShippedModel.ExtractTo(Root);
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
