using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Binds a session's inputs to the manifest's features: by the single tensor's name or by one input per feature, each a
/// float (or, all alike, double) [N, k] tensor whose column count matches what the manifest lists and what the graph reads.
/// Learns whether the batch dimension is fixed. A single tensor [k] without a batch dimension (<c>torch.onnx.export(net,
/// torch.zeros(k))</c>) is one row: a fixed batch of 1 run as [k]. Per-feature inputs keep [N, 1]: a rank-1 one ([1], or [N])
/// cannot tell one feature of one row from a batch of single values, so it is refused as before.
/// </summary>
internal static class OnnxInputBinder
{
    /// <summary>
    /// The bound inputs: names, column counts, the fixed batch size (null when the batch dimension is symbolic), whether they
    /// are float64, and whether the single tensor has no batch dimension (shape [k], a fixed batch of 1).
    /// </summary>
    internal sealed record Inputs(string[] Names, int[] Widths, int? FixedBatch, bool Double = false, bool Unbatched = false);

    /// <exception cref="ModelBindingException">An input is missing, unexpected, not a float matrix, of another width than the manifest's, or has a fixed batch the SDK does not serve.</exception>
    public static Inputs Bind(InferenceSession session, OnnxModelSpec spec, OnnxGraph? graph)
    {
        var metadata = session.InputMetadata;
        if (spec.InputLayout == OnnxInputLayout.Tensor)
        {
            if (metadata.Count != 1 || !metadata.TryGetValue(spec.TensorInputName, out var input))
            {
                throw new ModelBindingException($"The manifest expects one input tensor '{spec.TensorInputName}'; the model's inputs are: {Describe(metadata)}.");
            }

            var columns = spec.Features.Count;
            var unbatched = input.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR && input.Dimensions.Length == 1;
            var batch = unbatched ? RequireFloatVector(spec.TensorInputName, input, columns) : RequireFloatMatrix(spec.TensorInputName, input, columns);
            if (!unbatched && input.Dimensions[1] <= 0 && graph is not null)
            {
                RequireColumnsRead(graph, spec.TensorInputName, columns);
            }

            return new Inputs([spec.TensorInputName], [columns], batch, input.ElementDataType == TensorElementType.Double, unbatched);
        }

        foreach (var name in metadata.Keys)
        {
            if (!spec.Features.Contains(name))
            {
                throw new ModelBindingException($"Model input '{name}' is not among the manifest's features.");
            }
        }

        var names = new string[spec.Features.Count];
        var widths = new int[names.Length];
        int? fixedBatch = null;
        for (var i = 0; i < names.Length; i++)
        {
            var name = spec.Features[i];
            if (!metadata.TryGetValue(name, out var input))
            {
                throw new ModelBindingException($"Manifest feature '{name}' has no model input of that name; the model's inputs are: {Describe(metadata)}.");
            }

            var batch = RequireFloatMatrix(name, input, 1);
            if (i > 0 && batch != fixedBatch)
            {
                throw new ModelBindingException($"Model input '{name}' has batch dimension {Batch(batch)} but '{names[0]}' has {Batch(fixedBatch)}; all inputs must share one.");
            }

            if (i > 0 && input.ElementDataType != metadata[names[0]].ElementDataType)
            {
                throw new ModelBindingException($"Model input '{name}' is {OnnxTypes.Describe(input)} but '{names[0]}' is {OnnxTypes.Describe(metadata[names[0]])}; all inputs must share one element type.");
            }

            fixedBatch = batch;
            names[i] = name;
            widths[i] = 1;
        }

        return new Inputs(names, widths, fixedBatch, metadata[names[0]].ElementDataType == TensorElementType.Double);
    }

    /// <summary>
    /// Checks a float or double [columns] tensor without a batch dimension: one row, served as a fixed batch of 1. Its length
    /// must be stated: an open one ([N]) could as well be a batch of single values.
    /// </summary>
    private static int RequireFloatVector(string name, NodeMetadata input, int columns)
    {
        RequireFloat(name, input, columns);
        var length = input.Dimensions[0];
        if (length <= 0)
        {
            throw new ModelBindingException($"Model input '{name}' is {OnnxTypes.Describe(input)}: a rank-1 input of open length may be one row or a batch of single values; a [N, {columns}] tensor (or [{columns}], one row without a batch dimension) is required.");
        }

        if (length != columns)
        {
            throw new ModelBindingException($"Model input '{name}' is {OnnxTypes.Describe(input)}, one row of {length} values without a batch dimension, but the manifest lists {columns} feature(s) for it.");
        }

        return 1;
    }

    private static void RequireFloat(string name, NodeMetadata input, int columns)
    {
        if (input.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR || input.ElementDataType is not (TensorElementType.Float or TensorElementType.Double))
        {
            throw new ModelBindingException($"Model input '{name}' is {OnnxTypes.Describe(input)}; a float tensor [N, {columns}] is required (or a double one).");
        }
    }

    /// <summary>Checks a float or double [N, columns] tensor (float64 rows are widened from the features, exactly); returns its batch size when fixed.</summary>
    private static int? RequireFloatMatrix(string name, NodeMetadata input, int columns)
    {
        RequireFloat(name, input, columns);
        var dims = input.Dimensions;
        if (dims.Length != 2)
        {
            throw new ModelBindingException($"Model input '{name}' is {OnnxTypes.Describe(input)} of rank {dims.Length}; a [N, {columns}] tensor is required.");
        }

        if (dims[1] > 0 && dims[1] != columns)
        {
            throw new ModelBindingException($"Model input '{name}' has {dims[1]} columns but the manifest lists {columns} feature(s) for it.");
        }

        if (dims[0] > OnnxRiskModel.MaxFixedBatch)
        {
            throw new ModelBindingException($"Model input '{name}' has a fixed batch dimension of {dims[0]} rows; at most {OnnxRiskModel.MaxFixedBatch} are supported (export it with a symbolic batch dimension).");
        }

        return dims[0] > 0 ? dims[0] : null;
    }

    /// <summary>
    /// For an input of unstated width: the graph's own statement of how many columns it reads must agree with the manifest.
    /// A tree ensemble only tells the highest column it splits on; the manifest may then list no more features either, since
    /// features after it would be ignored (and trimming them from the manifest scores the same).
    /// </summary>
    private static void RequireColumnsRead(OnnxGraph graph, string name, int columns)
    {
        if (OnnxGraphFacts.ColumnsRead(graph, name) is not { } read || read.Count == columns)
        {
            return;
        }

        var reads = read.Exact ? $"reads {read.Count} columns" : $"reads columns 0–{read.Count - 1}";
        throw new ModelBindingException(string.Create(CultureInfo.InvariantCulture,
            $"Model input '{name}' has no fixed column count, but the graph {reads} ({read.Evidence}) while the manifest lists {columns} feature(s)."));
    }

    private static string Batch(int? batch) => batch?.ToString(CultureInfo.InvariantCulture) ?? "N";

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        string.Join(", ", metadata.Select(m => $"'{m.Key}' ({OnnxTypes.Describe(m.Value)})"));
}
