using Telematics.Scoring.MLNet;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;

namespace Telematics.Cli.Models;

/// <summary>
/// How the tool loads model packages: ONNX and the built-in rules through Telematics.Scoring, ML.NET <c>.zip</c>
/// packages through Telematics.Scoring.MLNet, so that every command accepts every kind a manifest may name.
/// </summary>
internal static class CliModelLoading
{
    /// <summary>The loaders of the kinds Telematics.Scoring does not serve itself.</summary>
    public static readonly IModelKindLoader[] Loaders = [new MLNetModelLoader()];

    /// <summary>Registry options over <paramref name="directory"/> (null: the built-in model only), without file watching.</summary>
    public static ModelRegistryOptions RegistryOptions(string? directory)
    {
        var options = new ModelRegistryOptions { ModelDirectory = directory, WatchForChanges = false };
        foreach (var loader in Loaders)
        {
            options.ModelLoaders.Add(loader);
        }

        return options;
    }

    /// <summary>Loads one package (folder or .zip) with every kind's loader.</summary>
    public static ModelPackage LoadPackage(string path) => ModelPackageLoader.Load(path, loaders: Loaders);
}
