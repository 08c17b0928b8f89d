using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Telematics.Features.Schema;
using Telematics.Scoring.Calibration;
using Telematics.Scoring.Json;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Rules;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// Loads a model package — a folder or a .zip holding <c>manifest.json</c> and the model file — checks its SHA-256,
/// binds it to the feature schema and smoke-scores its reference row.
/// </summary>
/// <remarks>Every failure is a <see cref="ModelPackageException"/> whose message names the package and the problem.</remarks>
public static partial class ModelPackageLoader
{
    /// <summary>Loads the package at <paramref name="path"/>.</summary>
    /// <param name="path">A package folder, or a .zip file with the same content at its root.</param>
    /// <param name="schema">The feature schema this process provides; default <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <param name="maxBatchSize">Rows per runtime call (see <see cref="OnnxModelSpec.MaxBatchSize"/>); default 1024.</param>
    /// <param name="loaders">Loaders of the kinds Telematics.Scoring does not serve itself (for example ML.NET); the first whose kind matches is used. Default none.</param>
    /// <exception cref="ModelPackageException">The package is missing, corrupt, has the wrong hash, does not match the schema, needs a loader that is not given, or scores a non-finite reference.</exception>
    public static ModelPackage Load(string path, FeatureSchema? schema = null, int maxBatchSize = 1024, IReadOnlyList<IModelKindLoader>? loaders = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        schema ??= TelematicsFeatures.Schema;
        loaders ??= [];
        var full = Path.GetFullPath(path);
        try
        {
            return LoadFrom(full, schema, maxBatchSize, loaders);
        }
        catch (Exception e) when (IsPackageFault(e))
        {
            // Whatever a package holds must end as a refusal of that package, never as an error of the caller.
            throw new ModelPackageException($"Package '{full}' could not be loaded ({e.GetType().Name}): {e.Message}", e);
        }
    }

    /// <summary>Failures caused by what a package holds, as opposed to the process being unable to go on.</summary>
    private static bool IsPackageFault(Exception e) =>
        e is not (ModelPackageException or OutOfMemoryException or StackOverflowException or AccessViolationException or ThreadInterruptedException or OperationCanceledException);

    private static ModelPackage LoadFrom(string full, FeatureSchema schema, int maxBatchSize, IReadOnlyList<IModelKindLoader> loaders)
    {
        if (Directory.Exists(full))
        {
            return Load(full, schema, maxBatchSize, loaders, file =>
            {
                var filePath = Path.Combine(full, file);
                return File.Exists(filePath) ? File.ReadAllBytes(filePath) : null;
            });
        }

        if (File.Exists(full) && full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipArchive archive;
            try
            {
                archive = ZipFile.OpenRead(full);
            }
            catch (InvalidDataException e)
            {
                throw new ModelPackageException($"Package '{full}' is not a readable .zip: {e.Message}", e);
            }

            using (archive)
            {
                return Load(full, schema, maxBatchSize, loaders, file =>
                {
                    var entry = archive.GetEntry(file);
                    if (entry is null)
                    {
                        return null;
                    }

                    using var stream = entry.Open();
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    return memory.ToArray();
                });
            }
        }

        throw new ModelPackageException($"Package '{full}' is neither a folder nor a .zip file.");
    }

    private static ModelPackage Load(string source, FeatureSchema schema, int maxBatchSize, IReadOnlyList<IModelKindLoader> loaders, Func<string, byte[]?> read)
    {
        var manifestBytes = read(ModelManifest.FileName)
            ?? throw new ModelPackageException($"Package '{source}' has no {ModelManifest.FileName}.");
        var manifest = JsonContractReader.Read(
            manifestBytes, ScoringJsonContext.Contracts.ModelManifest, (field, problem, cause) => Failure($"Package '{source}': {ModelManifest.FileName}: {field} {problem}", cause));

        var name = Require(manifest.Name, "name", source);
        if (!NamePattern().IsMatch(name))
        {
            throw new ModelPackageException($"Package '{source}': name '{name}' must be 1–64 lower-case letters, digits, '.', '_' or '-'.");
        }

        if (name == ModelPackage.BuiltInName)
        {
            throw new ModelPackageException($"Package '{source}': the name '{ModelPackage.BuiltInName}' is reserved for the built-in model.");
        }

        var version = Require(manifest.Version, "version", source);
        if (!VersionPattern().IsMatch(version))
        {
            throw new ModelPackageException($"Package '{source}': version '{version}' must be 1–64 letters, digits, '.', '_' or '-'.");
        }

        var id = $"{name}@{version} ('{source}')";
        var kind = manifest.Kind ?? throw new ModelPackageException($"Package {id}: {ModelManifest.FileName} has no 'kind'.");
        var kindLoader = kind is ModelKind.Rules or ModelKind.Onnx ? null : FindLoader(loaders, kind, id);

        var schemaRef = manifest.FeatureSchema ?? throw new ModelPackageException($"Package {id}: {ModelManifest.FileName} has no 'feature_schema'.");
        if (IsTelematicsV1(schema) && schemaRef.Name == TelematicsFeatures.SchemaName && schemaRef.Version == TelematicsFeaturesV2.SchemaVersion)
        {
            // A telematics@2 package binds to v2, which the scorer derives from the v1 vector and the observation window.
            schema = TelematicsFeaturesV2.Schema;
        }
        else if (schemaRef.Name != schema.Name || schemaRef.Version != schema.Version)
        {
            throw new ModelPackageException($"Package {id} was trained on feature schema {schemaRef.Name}@{schemaRef.Version}; this scorer provides {schema}.");
        }

        var file = Require(manifest.File, "file", source);
        if (!FilePattern().IsMatch(file) || file == ModelManifest.FileName)
        {
            throw new ModelPackageException($"Package {id}: file '{file}' must be a plain file name inside the package.");
        }

        var bytes = read(file) ?? throw new ModelPackageException($"Package {id}: model file '{file}' is missing.");
        var expected = Require(manifest.Sha256, "sha256", source);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelPackageException($"Package {id}: '{file}' has SHA-256 {actual} but the manifest says {expected}; the file is corrupt or was replaced.");
        }

        var outputKind = manifest.Output?.Kind ?? (kind == ModelKind.Rules ? ModelOutputKind.Score : ModelOutputKind.Probability);
        var calibration = ManifestCalibration.Read(manifest.Calibration, kind, outputKind, id);
        IRiskModel model;
        try
        {
            model = kindLoader is not null ? LoadWith(kindLoader, bytes, schema, manifest, outputKind, id, file, maxBatchSize)
                : kind == ModelKind.Rules ? LoadRules(bytes, schema, id, file)
                : LoadOnnx(bytes, schema, manifest, id, file, maxBatchSize);
        }
        catch (Exception e) when (IsPackageFault(e))
        {
            throw new ModelPackageException($"Package {id}: loading '{file}' failed ({e.GetType().Name}): {e.Message}", e);
        }

        try
        {
            var reference = ModelPackage.BuildReferenceRow(model.Binding, manifest.Reference, model as RuleBasedModel);

            var ranges = TrainingRanges.Read(model.Binding, manifest.TrainingRanges, id);
            MonotoneCheck.Verify(model, reference, ranges, manifest.Monotone, id);
            var noise = SamplingNoise.Read(manifest.SamplingNoise, outputKind, schema, id);
            var package = new ModelPackage(name, version, kind, model, calibration, outputKind, reference, actual, source, manifest.Training, manifest.Metrics)
            {
                TrainingRanges = ranges,
                SamplingNoise = noise,
            };
            OutputKindCheck.Verify(model, outputKind, reference, package.ReferenceRaw, ranges, manifest.Output?.Name, file, id);
            return package;
        }
        catch (ModelPackageException)
        {
            model.Dispose();
            throw;
        }
        catch (Exception e) when (IsPackageFault(e))
        {
            model.Dispose();
            throw new ModelPackageException($"Package {id}: smoke score of the reference row failed: {e.Message}", e);
        }
    }

    private static RuleBasedModel LoadRules(byte[] bytes, FeatureSchema schema, string id, string file)
    {
        var rules = JsonContractReader.Read(
            bytes, ScoringJsonContext.Contracts.RulesFile, (field, problem, cause) => Failure($"Package {id}: rules file '{file}': {field} {problem}", cause));

        var weights = new List<RuleWeight>();
        foreach (var rule in rules.Weights ?? [])
        {
            weights.Add(new RuleWeight(rule.Feature ?? "", rule.Weight, rule.Reference, rule.Cap));
        }

        try
        {
            return new RuleBasedModel(schema, rules.Intercept, weights);
        }
        catch (Exception e) when (e is ArgumentException or ModelBindingException)
        {
            throw new ModelPackageException($"Package {id}: rules file '{file}': {e.Message}", e);
        }
    }

    private static OnnxRiskModel LoadOnnx(byte[] bytes, FeatureSchema schema, ModelManifest manifest, string id, string file, int maxBatchSize)
    {
        var inputs = manifest.Inputs ?? throw new ModelPackageException($"Package {id}: an ONNX package needs 'inputs' with the ordered feature list.");
        if (inputs.Features is not { Count: > 0 } features)
        {
            throw new ModelPackageException($"Package {id}: 'inputs.features' must list the model's input features in order.");
        }

        var output = manifest.Output ?? throw new ModelPackageException($"Package {id}: an ONNX package needs 'output' naming the raw output.");
        var spec = new OnnxModelSpec
        {
            InputLayout = inputs.Layout,
            TensorInputName = inputs.TensorName ?? "float_input",
            Features = features,
            OutputName = Require(output.Name, "output.name", id),
            PositiveClass = output.PositiveClass,
            PositiveIndex = output.PositiveIndex,
            OutputKind = output.Kind,
            MaxBatchSize = maxBatchSize,
        };
        try
        {
            return OnnxRiskModel.Load(bytes, schema, spec);
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException($"Package {id}: '{file}' is not a loadable ONNX model: {e.Message}", e);
        }
        catch (ModelBindingException e)
        {
            throw new ModelPackageException($"Package {id}: {e.Message}", e);
        }
        catch (ModelScoringException e)
        {
            throw new ModelPackageException($"Package {id}: '{file}' loads but cannot be scored: {e.Message}", e);
        }
    }

    private static IModelKindLoader FindLoader(IReadOnlyList<IModelKindLoader> loaders, ModelKind kind, string id)
    {
        for (var i = 0; i < loaders.Count; i++)
        {
            if (loaders[i].Kind == kind)
            {
                return loaders[i];
            }
        }

        throw kind == ModelKind.MLNet
            ? new ModelPackageException($"Package {id}: ML.NET packages (kind 'mlnet') need the Telematics.Scoring.MLNet package: reference it and call UseMLNetModels() on the scoring builder (or pass an MLNetModelLoader to ModelPackageLoader.Load), or export the model to ONNX.")
            : new ModelPackageException($"Package {id}: no loader is registered for kind '{kind}'.");
    }

    private static IRiskModel LoadWith(IModelKindLoader loader, byte[] bytes, FeatureSchema schema, ModelManifest manifest, ModelOutputKind outputKind, string id, string file, int maxBatchSize)
    {
        var inputs = manifest.Inputs ?? throw new ModelPackageException($"Package {id}: a {loader.Kind} package needs 'inputs' with the ordered feature list.");
        if (inputs.Features is not { Count: > 0 } features)
        {
            throw new ModelPackageException($"Package {id}: 'inputs.features' must list the model's input features in order.");
        }

        var context = new ModelFileContext
        {
            PackageId = id,
            FileName = file,
            Content = bytes,
            Schema = schema,
            Features = features,
            InputLayout = inputs.Layout,
            InputName = inputs.TensorName,
            OutputName = manifest.Output?.Name,
            OutputKind = outputKind,
            MaxBatchSize = maxBatchSize,
        };
        try
        {
            return loader.Load(context);
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException($"Package {id}: '{file}' is not a loadable {loader.Kind} model: {e.Message}", e);
        }
        catch (ModelBindingException e)
        {
            throw new ModelPackageException($"Package {id}: {e.Message}", e);
        }
        catch (ModelScoringException e)
        {
            throw new ModelPackageException($"Package {id}: '{file}' loads but cannot be scored: {e.Message}", e);
        }
    }

    private static string Require(string? value, string field, string id) =>
        string.IsNullOrWhiteSpace(value) ? throw new ModelPackageException($"Package {id}: {ModelManifest.FileName} has no '{field}'.") : value;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex FilePattern();

    private static bool IsTelematicsV1(FeatureSchema schema) =>
        schema.Name == TelematicsFeatures.SchemaName && schema.Version == TelematicsFeatures.SchemaVersion;

    private static ModelPackageException Failure(string message, Exception? cause) =>
        cause is null ? new ModelPackageException(message) : new ModelPackageException(message, cause);
}
