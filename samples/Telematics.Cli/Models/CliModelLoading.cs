using System.CommandLine;
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

    /// <summary>The option that names the default model of a <c>--models</c> directory holding several.</summary>
    public const string DefaultModelOption = "--default-model";

    /// <summary>A new <see cref="DefaultModelOption"/> option, as every command taking <c>--models</c> offers it.</summary>
    public static Option<string?> DefaultModel() =>
        new(DefaultModelOption) { Description = "With --models: the model name served by default, at its champion alias; needed when the directory holds several models." };

    /// <summary>
    /// Registry options over <paramref name="directory"/> (null: the built-in model only), without file watching, serving
    /// <paramref name="defaultModel"/> (at its <c>champion</c>, else its highest version) when a driver names no model.
    /// </summary>
    public static ModelRegistryOptions RegistryOptions(string? directory, string? defaultModel = null)
    {
        var options = new ModelRegistryOptions { ModelDirectory = directory, DefaultModel = defaultModel, WatchForChanges = false };
        foreach (var loader in Loaders)
        {
            options.ModelLoaders.Add(loader);
        }

        return options;
    }

    /// <summary>
    /// The model a <c>--models</c> directory serves when a driver names none: <paramref name="requested"/>
    /// (<c>--default-model</c>) when given, else the directory's only model name. Without this the registry would serve
    /// the built-in rules model, not the directory's champion.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="ArgumentException">A usage error: several models and none named, or the one named is not there; the message lists the names found.</exception>
    /// <exception cref="InvalidDataException">The directory holds no model.</exception>
    public static string DefaultModelName(string directory, string? requested)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The model directory '{directory}' does not exist.");
        }

        var names = ModelNames(directory);
        var found = names.Count == 0 ? "it holds none" : "its models: " + string.Join(", ", names);
        if (requested is not null)
        {
            return names.Contains(requested, StringComparer.Ordinal)
                ? requested
                : throw new ArgumentException($"{DefaultModelOption}: '{requested}' is not a model of {directory} ({found}).");
        }

        return names.Count switch
        {
            1 => names[0],
            0 => throw new InvalidDataException($"--models: {directory} holds no model; expected {directory}/<name>/<version>/ package folders (or <version>.zip)."),
            _ => throw new ArgumentException($"--models: {directory} holds several models ({string.Join(", ", names)}); name the one served by default with {DefaultModelOption} NAME."),
        };
    }

    /// <summary>Loads one package (folder or .zip) with every kind's loader.</summary>
    public static ModelPackage LoadPackage(string path) => ModelPackageLoader.Load(path, loaders: Loaders);

    // Name folders holding at least one version (a folder or a .zip); a name starting with '.' is a package being written
    // or put aside (`train` writes into such folders), which the registry does not serve either.
    private static List<string> ModelNames(string directory)
    {
        var names = new List<string>();
        foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith('.'))
            {
                continue;
            }

            if (Directory.GetDirectories(folder).Any(v => !Path.GetFileName(v).StartsWith('.')) || Directory.GetFiles(folder, "*.zip").Length > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
