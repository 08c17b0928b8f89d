using Telematics.Features.Schema;
using Telematics.Scoring.Onnx;

namespace Telematics.Scoring.Packaging;

/// <summary>What an <see cref="IModelKindLoader"/> gets to load one package's model file: its bytes and the manifest's binding.</summary>
/// <remarks>Created by <see cref="ModelPackageLoader"/> after the SHA-256 and schema checks; immutable.</remarks>
public sealed class ModelFileContext
{
    /// <summary>Names the package as <c>name@version ('source')</c>, for error messages.</summary>
    public required string PackageId { get; init; }

    /// <summary>The model file's name inside the package (manifest <c>file</c>).</summary>
    public required string FileName { get; init; }

    /// <summary>The model file's bytes, already checked against the manifest's SHA-256.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The feature schema this process provides; <see cref="Features"/> name its features.</summary>
    public required FeatureSchema Schema { get; init; }

    /// <summary>Schema feature names in model input order (manifest <c>inputs.features</c>); never empty.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>How the inputs carry the features (manifest <c>inputs.layout</c>): one vector input, or one scalar input per feature named as the feature.</summary>
    public required OnnxInputLayout InputLayout { get; init; }

    /// <summary>The vector input's name (manifest <c>inputs.tensor_name</c>), or <see langword="null"/> when the manifest gives none (the loader's default applies).</summary>
    public string? InputName { get; init; }

    /// <summary>The output holding the raw output (manifest <c>output.name</c>), or <see langword="null"/> when the manifest gives none.</summary>
    public string? OutputName { get; init; }

    /// <summary>What the raw output measures (manifest <c>output.kind</c>).</summary>
    public required ModelOutputKind OutputKind { get; init; }

    /// <summary>Rows the caller asked a model to score per runtime call at most (registry <see cref="Registry.ModelRegistryOptions.MaxBatchSize"/>); ≥ 1.</summary>
    public required int MaxBatchSize { get; init; }
}
