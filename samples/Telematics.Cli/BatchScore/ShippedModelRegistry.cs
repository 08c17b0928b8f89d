using Telematics.Cli.Models;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Shipped;

namespace Telematics.Cli.BatchScore;

/// <summary>
/// A registry serving the model shipped with the SDK (<see cref="ShippedModel"/>, <c>telematics-frequency</c>) as the
/// default model, for <c>batch-score --shipped-model</c>: the package is extracted into a private temporary folder, loaded
/// (SHA-256 checked, smoke-scored), and the folder is deleted when the registry is disposed.
/// </summary>
internal sealed class ShippedModelRegistry : IDisposable
{
    private readonly string _directory;

    private ShippedModelRegistry(string directory, ModelRegistry registry)
    {
        _directory = directory;
        Registry = registry;
    }

    /// <summary>The registry: the shipped model at <c>champion</c> is the default; the built-in rules model stays served as <c>builtin-rules@1</c>.</summary>
    public ModelRegistry Registry { get; }

    /// <summary>Extracts and loads the shipped model.</summary>
    /// <exception cref="Telematics.Scoring.Packaging.ModelPackageException">The embedded package is corrupt.</exception>
    public static ShippedModelRegistry Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "telematics-cli-shipped-" + Guid.NewGuid().ToString("N"));
        try
        {
            ShippedModel.ExtractTo(directory);
            var options = CliModelLoading.RegistryOptions(directory);
            options.DefaultModel = ShippedModel.Name;
            // The registry reads every package when it is built, so the folder is not needed while it scores.
            return new ShippedModelRegistry(directory, new ModelRegistry(options));
        }
        catch
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            throw;
        }
    }

    public void Dispose()
    {
        Registry.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
