using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// What the SDK must know to bind an ONNX model to a feature schema: how inputs carry the features and which
/// output (and which class) is the raw output. Usually read from a model package's manifest.
/// </summary>
public sealed class OnnxModelSpec
{
    /// <summary>How the inputs carry the features.</summary>
    /// <value>Default <see cref="OnnxInputLayout.Tensor"/>.</value>
    public OnnxInputLayout InputLayout { get; init; } = OnnxInputLayout.Tensor;

    /// <summary>Name of the single input tensor for <see cref="OnnxInputLayout.Tensor"/>.</summary>
    /// <value>Default <c>float_input</c> (the name scikit-learn converters use).</value>
    public string TensorInputName { get; init; } = "float_input";

    /// <summary>Schema feature names in model input order (tensor columns, or the per-feature input names).</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Name of the output that holds the raw output: a float tensor, or a ZipMap sequence of maps.</summary>
    public required string OutputName { get; init; }

    /// <summary>
    /// For class probabilities: the label of the class whose probability is the raw output — a ZipMap key, or the label of a
    /// classifier's probability-tensor column where the graph labels its columns. Refused for an output without labels.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: with two classes labelled 0/1, -1/1 or false/true, the class labelled <c>1</c> (<c>true</c>);
    /// with any other labels, or more than two classes, this or <see cref="PositiveIndex"/> is required.
    /// </value>
    public string? PositiveClass { get; init; }

    /// <summary>
    /// The column of a float tensor [N, C] that is the raw output, or the position of the positive class among a ZipMap's
    /// classes (in the graph's label order). When both this and <see cref="PositiveClass"/> are given they must agree.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: column 0 of a single-column output; column 1 of a two-column output only when
    /// <see cref="OutputKind"/> is <see cref="ModelOutputKind.Probability"/>; required for more columns.
    /// </value>
    public int? PositiveIndex { get; init; }

    /// <summary>What the raw output measures; a two-column output is read as class probabilities only when this says so.</summary>
    /// <value>Default <see cref="ModelOutputKind.Probability"/>.</value>
    public ModelOutputKind OutputKind { get; init; } = ModelOutputKind.Probability;

    /// <summary>
    /// Rows per ONNX Runtime call; larger batches are split. Buffers of this size are pooled and reused, each at most 16 M
    /// values (64 MB): a model with wide inputs or outputs is called with fewer rows. A model whose input declares a fixed
    /// batch dimension is always run with exactly that many rows instead (padded when fewer are scored).
    /// </summary>
    /// <value>Default 1024.</value>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>Threads ONNX Runtime may use inside one call.</summary>
    /// <value>
    /// Default 1: a scoring service runs many calls in parallel, so parallelism across calls beats splitting
    /// one small call across cores (and avoids oversubscription).
    /// </value>
    public int IntraOpThreads { get; init; } = 1;
}
