using System.Globalization;
using System.Numerics;
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

    private OnnxOutputReader(string name, int columns, int columnIndex, bool zipMap, TensorElementType keyType, string positiveClass, string description, bool preallocated = false, bool isDouble = false)
    {
        Preallocated = preallocated;
        IsDouble = isDouble;
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

    /// <summary>
    /// The column read of a tensor output, or the chosen class's position among a ZipMap's keys (its input's column);
    /// -1 when the graph does not state a ZipMap's classes.
    /// </summary>
    public int ClassColumn { get; private init; } = -1;

    /// <summary>Whether the output is a float64 tensor (skl2onnx with float64 data), narrowed to float when read.</summary>
    public bool IsDouble { get; }

    /// <summary>0 for a rank-1 tensor [N] or a scalar, otherwise the column count C of [N, C] as ONNX Runtime returns it; -1 for a ZipMap.</summary>
    public int Columns { get; }

    /// <summary>Whether the output is a scalar [] (a model run on one row at a time: the value of that row).</summary>
    public bool IsScalar { get; private init; }

    /// <summary>
    /// Whether the output is a tensor written into a preallocated buffer: every tensor output whose declared shape agrees with
    /// the probed one. ONNX Runtime checks a bound buffer against the declared shape (also one bound with BindOutputToDevice, from
    /// its second run on), so a misdeclared output is left to it to allocate on every call.
    /// </summary>
    public bool Preallocated { get; }

    public string Description { get; }

    /// <summary>
    /// Binds the output <paramref name="spec"/> names. The class is chosen explicitly: by <see cref="OnnxModelSpec.PositiveClass"/>
    /// (a label, for a ZipMap or a classifier's probability tensor whose labels the graph states) or by
    /// <see cref="OnnxModelSpec.PositiveIndex"/> (a column, or the position of a class among the labels); a default applies only
    /// to two classes labelled 0/1, -1/1 or false/true (the class labelled <c>1</c> or <c>true</c>) and to column 1 of an unlabelled
    /// two-column tensor only when its kind is probability.
    /// </summary>
    /// <param name="session">The loaded session.</param>
    /// <param name="spec">The manifest's binding.</param>
    /// <param name="graph">The graph as the SDK reads it, for class labels; null when it could not be read.</param>
    /// <param name="inputs">The bound inputs, to run the probe row that learns the output's actual shape.</param>
    /// <exception cref="ModelBindingException">The output does not exist, has an unsupported type, or the class choice is missing, ambiguous or meaningless.</exception>
    public static OnnxOutputReader Create(InferenceSession session, OnnxModelSpec spec, OnnxGraph? graph, OnnxInputBinder.Inputs inputs)
    {
        if (!session.OutputMetadata.TryGetValue(spec.OutputName, out var output))
        {
            throw new ModelBindingException($"The manifest names output '{spec.OutputName}'; the model's outputs are: {string.Join(", ", session.OutputMetadata.Keys.Select(k => $"'{k}'"))}.");
        }

        var labels = graph is null ? null : OnnxGraphFacts.ClassLabels(graph, spec.OutputName);
        var unclear = graph is null ? null : OnnxGraphFacts.LabelsWithoutDefault(graph, spec.OutputName);
        if (output.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE)
        {
            return CreateZipMap(spec, output, labels, unclear);
        }

        if (output.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR || output.ElementDataType is not (TensorElementType.Float or TensorElementType.Double))
        {
            // An integer or string tensor is a classifier's label; anything else is no raw output the SDK can read.
            var hint = output.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR && output.ElementDataType is TensorElementType.Int64 or TensorElementType.String
                ? " (pick the probability output, not the label)"
                : "";
            throw new ModelBindingException($"Output '{spec.OutputName}' is {OnnxTypes.Describe(output)}; the raw output must be a float tensor or a ZipMap (a double tensor also serves){hint}.");
        }

        // A declared width past the cap is refused before the probe, which would otherwise have ONNX Runtime allocate it.
        var declared = output.Dimensions;
        if (declared.Length == 2 && declared[1] > MaxColumns)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has {declared[1]} columns; at most {MaxColumns} are supported.");
        }

        // The shape ONNX Runtime actually returns decides the columns and the buffers, not the declared one (see OnnxOutputProbe).
        var (actual, element) = OnnxOutputProbe.Run(session, inputs, spec.OutputName);
        // A scalar is one row's value only when every run is of one row (torch.onnx.export(net, torch.zeros(k)) ending in a sum).
        if (actual.Length > 2 || (actual.Length == 0 && inputs.FixedBatch != 1))
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' is {OnnxTypes.Describe(output)} and has rank {actual.Length} when run; [N] or [N, C] is required (or a scalar, for a model run on one row at a time).");
        }

        var columns = actual.Length < 2 ? 0 : (int)Math.Min(actual[1], int.MaxValue);
        if (columns > MaxColumns)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has {columns} columns; at most {MaxColumns} are supported.");
        }

        var differs = declared.Length != actual.Length || (actual.Length == 2 && declared[1] > 0 && declared[1] != actual[1]);
        var isDouble = element == TensorElementType.Double;
        var index = OnnxClassChoice.ChooseColumn(spec, columns, labels, unclear);
        var what = labels is not null && index < labels.Count ? $"column {index} (class '{labels[index]}')" : $"column {index}";
        var shape = actual.Length == 0 ? "[]" : columns == 0 ? "[N]" : $"[N, {columns}]";
        var note = differs ? $" (declared {OnnxTypes.Describe(output)}; ONNX Runtime returns {shape})" : "";
        return new OnnxOutputReader(spec.OutputName, columns, index, zipMap: false, TensorElementType.Float, "", $"{spec.OutputName}: {(isDouble ? "double" : "float")} tensor, {what}{note}", preallocated: !differs, isDouble) { ClassColumn = index, IsScalar = actual.Length == 0 };
    }

    /// <summary>The widest output the SDK reads (columns); a wider one is refused rather than given huge buffers.</summary>
    internal const int MaxColumns = 4096;

    private static OnnxOutputReader CreateZipMap(OnnxModelSpec spec, NodeMetadata output, IReadOnlyList<string>? labels, IReadOnlyList<string>? unclear)
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

        string positive;
        var column = -1;
        if (labels is null)
        {
            // The graph does not show the classes, so neither an index nor a default has a meaning.
            if (spec.PositiveIndex is not null)
            {
                throw new ModelBindingException($"The manifest gives output.positive_index {spec.PositiveIndex} for ZipMap output '{spec.OutputName}', whose class order the graph does not state; name the class in output.positive_class instead.");
            }

            positive = spec.PositiveClass
                ?? throw new ModelBindingException($"ZipMap output '{spec.OutputName}' does not state its classes in the graph; the manifest must name the positive one in output.positive_class.");
        }
        else
        {
            column = OnnxClassChoice.ChooseClass(spec, labels, unclear);
            positive = labels[column];
        }

        if (map.KeyDataType == TensorElementType.Int64 && !long.TryParse(positive, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has int64 class labels but the manifest's positive class '{positive}' is not an integer.");
        }

        return new OnnxOutputReader(spec.OutputName, -1, -1, zipMap: true, map.KeyDataType, positive,
            $"{spec.OutputName}: ZipMap {OnnxTypes.Name(map.KeyDataType)}→float, class '{positive}'") { ClassColumn = column };
    }

    /// <summary>Reads column <c>index</c> of a preallocated [runRows, C] buffer (of which the first <paramref name="runRows"/> rows were written).</summary>
    public void ReadTensor(float[] buffer, int runRows, Span<float> destination) =>
        Read<float>(buffer.AsSpan(0, Math.Min(buffer.Length, runRows * Math.Max(1, Columns))), runRows, destination);

    /// <summary>Reads column <c>index</c> of a preallocated float64 [runRows, C] buffer, narrowed to float.</summary>
    public void ReadTensor(double[] buffer, int runRows, Span<float> destination) =>
        Read<double>(buffer.AsSpan(0, Math.Min(buffer.Length, runRows * Math.Max(1, Columns))), runRows, destination);

    private void Read<T>(ReadOnlySpan<T> data, int runRows, Span<float> destination)
        where T : unmanaged, IFloatingPoint<T>
    {
        // Exactly runRows × width values, or row r is not at r × width: more values than that are no longer one row per driver.
        var width = Math.Max(1, Columns);
        if (data.Length != runRows * width || destination.Length > runRows)
        {
            throw new ModelScoringException($"Output '{Name}' has {data.Length} values for {runRows} rows × {width} column(s).");
        }

        var index = _columnIndex;
        for (var r = 0; r < destination.Length; r++)
        {
            destination[r] = float.CreateTruncating(data[r * width + index]);
        }
    }

    /// <summary>Reads an output that is not preallocated: a ZipMap sequence, or a tensor whose declared shape is wrong (run on <paramref name="runRows"/> rows).</summary>
    public void ReadValue(OrtValue value, int runRows, Span<float> destination)
    {
        if (!_zipMap)
        {
            if (IsDouble)
            {
                Read(value.GetTensorDataAsSpan<double>(), runRows, destination);
            }
            else
            {
                Read(value.GetTensorDataAsSpan<float>(), runRows, destination);
            }

            return;
        }

        var count = value.GetValueCount();
        if (count != runRows || destination.Length > runRows)
        {
            throw new ModelScoringException($"Output '{Name}' has {count} maps for {runRows} rows.");
        }

        // A fixed-batch model may have been run on padding rows after the real ones; only the real ones are read.
        var allocator = OrtAllocator.DefaultInstance;
        for (var r = 0; r < destination.Length; r++)
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
