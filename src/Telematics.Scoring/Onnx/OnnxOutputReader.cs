using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Onnx;

/// <summary>Reads the raw output of each row from the output the spec names: a float tensor column or a ZipMap class.</summary>
internal sealed class OnnxOutputReader
{
    private readonly int _columnIndex;
    private readonly bool _zipMap;
    private readonly TensorElementType _keyType;
    private readonly string _positiveClass;
    private readonly long _positiveKey;

    private OnnxOutputReader(string name, int columns, int columnIndex, bool zipMap, TensorElementType keyType, string positiveClass, string description)
    {
        Name = name;
        Columns = columns;
        _columnIndex = columnIndex;
        _zipMap = zipMap;
        _keyType = keyType;
        _positiveClass = positiveClass;
        _positiveKey = keyType == TensorElementType.Int64 && long.TryParse(positiveClass, NumberStyles.Integer, CultureInfo.InvariantCulture, out var key) ? key : long.MinValue;
        Description = description;
    }

    public string Name { get; }

    /// <summary>0 for a rank-1 tensor [N], otherwise the column count C of [N, C]; -1 when unknown until run time.</summary>
    public int Columns { get; }

    /// <summary>Whether the output is a float tensor of known shape written into a preallocated buffer.</summary>
    public bool Preallocated => !_zipMap && Columns >= 0;

    public string Description { get; }

    public static OnnxOutputReader Create(InferenceSession session, OnnxModelSpec spec)
    {
        if (!session.OutputMetadata.TryGetValue(spec.OutputName, out var output))
        {
            throw new ModelBindingException($"The manifest names output '{spec.OutputName}'; the model's outputs are: {string.Join(", ", session.OutputMetadata.Keys.Select(k => $"'{k}'"))}.");
        }

        if (output.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            var element = output.AsSequenceMetadata().ElementMeta;
            if (element.OnnxValueType != OnnxValueType.ONNX_TYPE_MAP)
            {
                throw new ModelBindingException($"Output '{spec.OutputName}' is a sequence of {element.OnnxValueType}; only a ZipMap sequence of maps is supported.");
            }

            var map = element.AsMapMetadata();
            if (map.KeyDataType is not (TensorElementType.Int64 or TensorElementType.String))
            {
                throw new ModelBindingException($"Output '{spec.OutputName}' is a map keyed by {map.KeyDataType}; ZipMap keys must be int64 or string.");
            }

            var positive = spec.PositiveClass ?? "1";
            if (map.KeyDataType == TensorElementType.Int64 && !long.TryParse(positive, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                throw new ModelBindingException($"Output '{spec.OutputName}' has int64 class labels but the manifest's positive class '{positive}' is not an integer.");
            }

            return new OnnxOutputReader(spec.OutputName, -1, -1, zipMap: true, map.KeyDataType, positive,
                $"{spec.OutputName}: ZipMap {map.KeyDataType}→float, class '{positive}'");
        }

        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' is {output.OnnxValueType} of {output.ElementDataType}; the raw output must be a float tensor or a ZipMap (pick the probability output, not the label).");
        }

        var dims = output.Dimensions;
        if (dims.Length is < 1 or > 2)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has rank {dims.Length}; [N] or [N, C] is required.");
        }

        var columns = dims.Length == 1 ? 0 : dims[1] > 0 ? dims[1] : -1;
        int index;
        if (spec.PositiveIndex is { } chosen)
        {
            if (chosen < 0 || (columns >= 0 && chosen >= Math.Max(1, columns)))
            {
                throw new ModelBindingException($"The manifest's positive index {chosen} is outside output '{spec.OutputName}', which has {Math.Max(1, columns)} column(s).");
            }

            index = chosen;
        }
        else if (columns is 0 or 1)
        {
            index = 0;
        }
        else if (columns == 2)
        {
            index = 1;
        }
        else
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has {(columns < 0 ? "an unknown number of" : columns.ToString(CultureInfo.InvariantCulture))} columns; the manifest must give the positive index.");
        }

        return new OnnxOutputReader(spec.OutputName, columns, index, zipMap: false, TensorElementType.Float, "",
            $"{spec.OutputName}: float tensor, column {index}");
    }

    /// <summary>Reads column <c>index</c> of a preallocated [rows, C] buffer.</summary>
    public void ReadTensor(float[] buffer, Span<float> destination)
    {
        var width = Math.Max(1, Columns);
        var index = _columnIndex;
        for (var r = 0; r < destination.Length; r++)
        {
            destination[r] = buffer[r * width + index];
        }
    }

    /// <summary>Reads an output that could not be preallocated: a ZipMap sequence, or a float tensor of run-time shape.</summary>
    public void ReadValue(OrtValue value, Span<float> destination)
    {
        if (!_zipMap)
        {
            var shape = value.GetTensorTypeAndShape().Shape;
            var width = shape.Length == 1 ? 1 : (int)shape[1];
            if (_columnIndex >= width)
            {
                throw new ModelScoringException($"Output '{Name}' has {width} column(s); the positive index is {_columnIndex}.");
            }

            var data = value.GetTensorDataAsSpan<float>();
            for (var r = 0; r < destination.Length; r++)
            {
                destination[r] = data[r * width + _columnIndex];
            }

            return;
        }

        var count = value.GetValueCount();
        if (count != destination.Length)
        {
            throw new ModelScoringException($"Output '{Name}' has {count} maps for {destination.Length} rows.");
        }

        var allocator = OrtAllocator.DefaultInstance;
        for (var r = 0; r < count; r++)
        {
            using var map = value.GetValue(r, allocator);
            using var keys = map.GetValue(0, allocator);
            using var values = map.GetValue(1, allocator);
            var probabilities = values.GetTensorDataAsSpan<float>();
            destination[r] = probabilities[FindPositive(keys)];
        }
    }

    private int FindPositive(OrtValue keys)
    {
        if (_keyType == TensorElementType.Int64)
        {
            var labels = keys.GetTensorDataAsSpan<long>();
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == _positiveKey)
                {
                    return i;
                }
            }

            throw new ModelBindingException($"Output '{Name}' has no class {_positiveClass}; its classes are: {string.Join(", ", labels.ToArray())}.");
        }

        var names = keys.GetStringTensorAsArray();
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], _positiveClass, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ModelBindingException($"Output '{Name}' has no class '{_positiveClass}'; its classes are: {string.Join(", ", names)}.");
    }
}
