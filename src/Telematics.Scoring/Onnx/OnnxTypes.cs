using System.Diagnostics.CodeAnalysis;
using Microsoft.ML.OnnxRuntime;

namespace Telematics.Scoring.Onnx;

/// <summary>Describes an ONNX input's or output's type for messages, without ever throwing.</summary>
internal static class OnnxTypes
{
    /// <summary>For example "a float tensor [N, 3]", "an int64 tensor [N]", "a map int64→float", "a sequence of a map string→float".</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A refusal message must not fail for a type ONNX Runtime describes oddly; the value kind alone is then named.")]
    public static string Describe(NodeMetadata metadata)
    {
        try
        {
            switch (metadata.OnnxValueType)
            {
                case OnnxValueType.ONNX_TYPE_TENSOR:
                    var dims = string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        : metadata.SymbolicDimensions is { } names && i < names.Length && names[i].Length > 0 ? names[i] : "?"));
                    var element = Name(metadata.ElementDataType);
                    return $"{Article(element)} {element} tensor [{dims}]";
                case OnnxValueType.ONNX_TYPE_MAP:
                    var map = metadata.AsMapMetadata();
                    var value = map.ValueMetadata.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? Name(map.ValueMetadata.ElementDataType) : Describe(map.ValueMetadata);
                    return $"a map {Name(map.KeyDataType)}→{value}";
                case OnnxValueType.ONNX_TYPE_SEQUENCE:
                    return $"a sequence of {Describe(metadata.AsSequenceMetadata().ElementMeta)}";
                default:
                    return $"a {metadata.OnnxValueType}";
            }
        }
        catch (Exception)
        {
            return $"a {metadata.OnnxValueType}";
        }
    }

    /// <summary>The ONNX name of an element type: float, double, int64, string…</summary>
    public static string Name(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType type) => type.ToString().ToLowerInvariant();

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";
}
