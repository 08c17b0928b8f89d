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

    /// <summary>For class probabilities: the label of the class whose probability is the raw output (a ZipMap key).</summary>
    /// <value>Default <see langword="null"/>: for a ZipMap output, the label <c>1</c>.</value>
    public string? PositiveClass { get; init; }

    /// <summary>For a float tensor [N, C] with C &gt; 1: the column that is the raw output.</summary>
    /// <value>Default <see langword="null"/>: column 1 when C = 2; required when C &gt; 2.</value>
    public int? PositiveIndex { get; init; }

    /// <summary>Rows per ONNX Runtime call; larger batches are split. Buffers of this size are pooled and reused.</summary>
    /// <value>Default 1024.</value>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>Threads ONNX Runtime may use inside one call.</summary>
    /// <value>
    /// Default 1: a scoring service runs many calls in parallel, so parallelism across calls beats splitting
    /// one small call across cores (and avoids oversubscription).
    /// </value>
    public int IntraOpThreads { get; init; } = 1;
}
