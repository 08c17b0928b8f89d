using System.Reflection;
using System.Text.Json;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;

namespace Telematics.Scoring.Shipped;

/// <summary>
/// The trained model shipped inside this package: a telematics@1-only Poisson tree model (ML.NET FastTree, exported to
/// ONNX) whose raw output is the expected annual claim frequency, calibrated to 0–100 as a percentile of its training
/// population. Its manifest carries the training command and out-of-fold metrics.
/// </summary>
/// <remarks>
/// It is not the SDK's default: with no configuration the transparent rule-based model serves (see DESIGN §4). Opt in
/// with <c>AddTelematicsScoring(b =&gt; b.UseShippedModel())</c>, or copy it into a model directory with
/// <see cref="ExtractTo"/>. It was trained on a synthetic population (Telematics.Training), so it demonstrates the
/// pipeline end to end; a real book of business needs a model trained on its own claims. Rebuilt by
/// <c>scripts/build-shipped-model.sh</c>. Thread-safe.
/// </remarks>
public static class ShippedModel
{
    /// <summary>The shipped model's package name.</summary>
    public const string Name = "telematics-frequency";

    private const string ResourcePrefix = "Telematics.Scoring.Shipped.";
    private const string ModelFile = "model.onnx";

    private static readonly Lazy<(string Version, string Sha256)> Identity = new(ReadIdentity);

    /// <summary>The shipped model's version (from its manifest).</summary>
    public static string Version => Identity.Value.Version;

    /// <summary>The SHA-256 of the shipped <c>model.onnx</c> that its manifest declares, lower-case hex.</summary>
    public static string Sha256 => Identity.Value.Sha256;

    /// <summary>Writes the package into <c>&lt;modelDirectory&gt;/telematics-frequency/&lt;version&gt;/</c> and, when the name has no <c>champion</c> alias yet, points it there.</summary>
    /// <param name="modelDirectory">A model directory (created if missing).</param>
    /// <returns>The package folder.</returns>
    /// <exception cref="IOException">The files cannot be written.</exception>
    public static string ExtractTo(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        var nameDirectory = Path.Combine(Path.GetFullPath(modelDirectory), Name);
        var folder = Path.Combine(nameDirectory, Version);
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { ModelManifest.FileName, ModelFile })
        {
            var target = Path.Combine(folder, file);
            var bytes = ReadResource(file);
            if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(bytes))
            {
                File.WriteAllBytes(target, bytes);
            }
        }

        if (!ModelAliases.Read(nameDirectory).ContainsKey("champion"))
        {
            ModelAliases.Set(nameDirectory, "champion", Version);
        }

        return folder;
    }

    /// <summary>Loads the shipped package (checking its SHA-256 and smoke-scoring its reference row like any package).</summary>
    /// <param name="schema">The feature schema this process provides; default <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <returns>The package; the caller disposes it.</returns>
    /// <exception cref="ModelPackageException">The embedded package is corrupt.</exception>
    public static ModelPackage Load(FeatureSchema? schema = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "telematics-shipped-" + Guid.NewGuid().ToString("N"));
        try
        {
            return ModelPackageLoader.Load(ExtractTo(directory), schema);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The folder <c>UseShippedModel()</c> extracts to when given none: per user temp, one per shipped model hash.</summary>
    internal static string DefaultDirectory() => Path.Combine(Path.GetTempPath(), "telematics-shipped-models", Sha256[..16]);

    private static byte[] ReadResource(string file)
    {
        using var stream = typeof(ShippedModel).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new ModelPackageException($"The shipped model's '{file}' is not embedded in {typeof(ShippedModel).Assembly.GetName().Name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static (string, string) ReadIdentity()
    {
        using var manifest = JsonDocument.Parse(ReadResource(ModelManifest.FileName));
        var root = manifest.RootElement;
        return (root.GetProperty("version").GetString()!, root.GetProperty("sha256").GetString()!);
    }
}
