using System.Globalization;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// What an ONNX graph states about its own interface, read from its nodes and initializers: the class labels behind a
/// probability output, and how many input columns the first operator after the input reads.
/// </summary>
internal static class OnnxGraphFacts
{
    // Operators that keep the column count of their input and are seen between the input and the model in exports
    // (scikit-learn pipelines, onnxmltools): the column count is read through them.
    private static readonly HashSet<string> ColumnPreserving = new(StringComparer.Ordinal)
    {
        "Imputer", "Scaler", "Cast", "Identity", "Normalizer", "Binarizer", "Abs", "Relu", "Clip",
    };

    /// <summary>
    /// The class labels, in column order, of <paramref name="output"/> when it is a ZipMap or a classifier's
    /// probability tensor, also behind operators that keep each column the same class (see <see cref="ColumnSource"/>);
    /// <see langword="null"/> when the graph does not say.
    /// </summary>
    public static IReadOnlyList<string>? ClassLabels(OnnxGraph graph, string output)
    {
        var tensor = output;
        var producer = graph.Producer(tensor);
        // Exporters pass probabilities through operators that keep their columns (skl2onnx normalises a one-vs-rest
        // LinearClassifier's scores with Normalizer; onnxmltools ends LightGBM in Identity → Mul(·, 1)): the columns are
        // still the classifier's classes.
        // A Reshape to [-1, C] keeps each column's class only when C is the column count it was given (the classes').
        var reshapedTo = new List<long>();
        for (var hops = 0; hops < 16 && producer is not null && ColumnSource(graph, producer, tensor, reshapedTo) is { } source; hops++)
        {
            tensor = source;
            producer = graph.Producer(tensor);
        }

        if (producer is null)
        {
            return null;
        }

        if (producer.OpType == "ZipMap" || (producer.OpType.EndsWith("Classifier", StringComparison.Ordinal) && producer.Outputs.Count >= 2 && producer.Outputs[1] == tensor))
        {
            return Labels(producer) is { } labels && reshapedTo.TrueForAll(columns => columns == labels.Count) ? labels : null;
        }

        return null;
    }

    /// <summary>
    /// The two labels of a classifier or ZipMap that feeds <paramref name="output"/> (directly or through any operators) and
    /// has no default positive class (not 0/1, -1/1, false/true), or <see langword="null"/>. When an output's own classes
    /// cannot be traced (CalibratedClassifierCV, soft voting and bagging end in Div, Concat or Sum; skl2onnx's <c>nocl</c> keys
    /// a ZipMap 0/1), these say its columns are classes such as {1, 2} whose positive one only the author knows. A classifier
    /// that only feeds other outputs says nothing about this one.
    /// </summary>
    public static IReadOnlyList<string>? LabelsWithoutDefault(OnnxGraph graph, string output)
    {
        var pending = new Queue<string>([output]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var tensor))
        {
            if (!seen.Add(tensor) || graph.Producer(tensor) is not { } node)
            {
                continue;
            }

            if ((node.OpType == "ZipMap" || node.OpType.EndsWith("Classifier", StringComparison.Ordinal))
                && Labels(node) is { Count: 2 } labels && OnnxClassChoice.PositiveOfBinaryLabels(labels) < 0)
            {
                return labels;
            }

            foreach (var input in node.Inputs)
            {
                pending.Enqueue(input);
            }
        }

        return null;
    }

    /// <summary>
    /// The input whose columns <paramref name="node"/>'s output <paramref name="tensor"/> keeps, each the same class, or null:
    /// Identity, Cast, Normalizer; Add by a constant scalar (either side); Mul by a positive constant scalar (either side); Sub by
    /// a constant scalar and Div by a positive one (the scalar second, since c − p or c / p no longer grows with p); Flatten at axis 1; Reshape to [0, −1], to [0 or −1, C] (C is added to
    /// <paramref name="reshapedTo"/>, for the caller to check against the column count) or to the input's own Shape.
    /// </summary>
    private static string? ColumnSource(OnnxGraph graph, OnnxGraph.Node node, string tensor, List<long> reshapedTo)
    {
        if (node.Outputs.Count != 1 || node.Outputs[0] != tensor || node.Inputs.Count == 0)
        {
            return null;
        }

        var inputs = node.Inputs;
        var first = inputs[0];
        return node.OpType switch
        {
            "Identity" or "Cast" or "Normalizer" when inputs.Count == 1 => first,
            "Add" when inputs.Count == 2 && IsScalarConstant(graph, inputs[1]) => first,
            "Add" when inputs.Count == 2 && IsScalarConstant(graph, first) => inputs[1],
            "Sub" when inputs.Count == 2 && IsScalarConstant(graph, inputs[1]) => first,
            // Scaling keeps the order of probabilities only by a positive constant: Mul(p, −1) is a "safety score", not the risk.
            "Mul" when inputs.Count == 2 && IsPositiveScalar(graph, inputs[1]) => first,
            "Mul" when inputs.Count == 2 && IsPositiveScalar(graph, first) => inputs[1],
            "Div" when inputs.Count == 2 && IsPositiveScalar(graph, inputs[1]) => first,
            "Flatten" when inputs.Count == 1 && node.Int("axis", 1) == 1 => first,
            "Reshape" when inputs.Count == 2 && graph.SmallInt64Initializers.TryGetValue(inputs[1], out var shape) && shape is [0, -1] => first,
            "Reshape" when inputs.Count == 2 && graph.SmallInt64Initializers.TryGetValue(inputs[1], out var shape) && shape is [0 or -1, > 0] => Reshaped(first, shape[1], reshapedTo),
            "Reshape" when inputs.Count == 2 && graph.Producer(inputs[1]) is { OpType: "Shape", Inputs: [var shaped] } && shaped == first => first,
            _ => null,
        };
    }

    private static string Reshaped(string input, long columns, List<long> reshapedTo)
    {
        reshapedTo.Add(columns);
        return input;
    }

    /// <summary>Whether <paramref name="name"/> is a constant scalar whose value the graph shows to be above zero.</summary>
    private static bool IsPositiveScalar(OnnxGraph graph, string name)
    {
        if (!IsScalarConstant(graph, name))
        {
            return false;
        }

        if (graph.SmallFloatInitializers.TryGetValue(name, out var floats))
        {
            return floats is [> 0f];
        }

        if (graph.SmallInt64Initializers.TryGetValue(name, out var ints))
        {
            return ints is [> 0];
        }

        return graph.Producer(name) is { OpType: "Constant" } constant
            && (constant.Float("value_float") is > 0f || (constant.Has("value_int") && constant.Int("value_int", 0) > 0));
    }

    private static bool IsScalarConstant(OnnxGraph graph, string name)
    {
        if (graph.InitializerDims.TryGetValue(name, out var dims))
        {
            long count = 1;
            foreach (var dim in dims)
            {
                count *= dim;
            }

            return count == 1;
        }

        // A Constant node's value_float / value_int is a scalar by definition.
        return graph.Producer(name) is { OpType: "Constant" } constant && (constant.Has("value_float") || constant.Has("value_int"));
    }

    /// <summary>
    /// How many columns the graph reads from the [N, k] input <paramref name="input"/>: exactly (linear coefficients,
    /// MatMul/Gemm weights, per-column Scaler/Imputer values), or at least (the highest feature id a tree ensemble splits
    /// on, plus one); <see langword="null"/> when the graph does not say.
    /// </summary>
    public static InputColumns? ColumnsRead(OnnxGraph graph, string input)
    {
        InputColumns? atLeast = null;
        var pending = new Queue<string>([input]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var tensor))
        {
            if (!seen.Add(tensor))
            {
                continue;
            }

            foreach (var node in graph.Consumers(tensor))
            {
                var found = Read(graph, node, tensor);
                if (found is { Exact: true })
                {
                    return found;
                }

                if (found is { } bound && (atLeast is null || bound.Count > atLeast.Value.Count))
                {
                    atLeast = bound;
                }

                if (ColumnPreserving.Contains(node.OpType) && node.Outputs.Count == 1 && node.Inputs.Count >= 1 && node.Inputs[0] == tensor)
                {
                    pending.Enqueue(node.Outputs[0]);
                }
            }
        }

        return atLeast;
    }

    private static InputColumns? Read(OnnxGraph graph, OnnxGraph.Node node, string tensor)
    {
        switch (node.OpType)
        {
            case "LinearRegressor":
            {
                var coefficients = node.Floats("coefficients").Count;
                var targets = node.Int("targets", 1);
                return targets > 0 && coefficients > 0 && coefficients % targets == 0
                    ? Exact(coefficients / targets, $"{node.OpType} has {coefficients} coefficient(s) for {targets} target(s)")
                    : null;
            }

            case "LinearClassifier":
            {
                // ONNX Runtime reads one coefficient row per intercept (one row for a binary model with one intercept).
                var coefficients = node.Floats("coefficients").Count;
                var rows = node.Floats("intercepts").Count;
                return rows > 0 && coefficients > 0 && coefficients % rows == 0
                    ? Exact(coefficients / rows, $"{node.OpType} has {coefficients} coefficient(s) for {rows} intercept(s)")
                    : null;
            }

            case "Scaler":
            {
                var width = Math.Max(node.Floats("offset").Count, node.Floats("scale").Count);
                return width > 1 ? Exact(width, $"Scaler has {width} per-column offsets/scales") : null;
            }

            case "Imputer":
            {
                var width = node.Floats("imputed_value_floats").Count;
                return width > 1 ? Exact(width, $"Imputer has {width} per-column values") : null;
            }

            case "MatMul" when node.Inputs.Count == 2 && node.Inputs[0] == tensor
                && graph.InitializerDims.TryGetValue(node.Inputs[1], out var weights) && weights.Length == 2:
                return Exact(weights[0], $"MatMul's weight '{node.Inputs[1]}' is [{weights[0]}, {weights[1]}]");

            case "Gemm" when node.Inputs.Count >= 2 && node.Inputs[0] == tensor && node.Int("transA", 0) == 0
                && graph.InitializerDims.TryGetValue(node.Inputs[1], out var b) && b.Length == 2:
            {
                var transposed = node.Int("transB", 0) != 0;
                return Exact(transposed ? b[1] : b[0], $"Gemm's weight '{node.Inputs[1]}' is [{b[0]}, {b[1]}]{(transposed ? " (transB)" : "")}");
            }

            case "TreeEnsembleRegressor" or "TreeEnsembleClassifier" or "TreeEnsemble":
            {
                var modes = node.Strings("nodes_modes");
                var ids = node.Ints("nodes_featureids");
                long highest = -1;
                for (var i = 0; i < ids.Count; i++)
                {
                    // A leaf's feature id means nothing (converters write 0); only splits read a column.
                    if (i < modes.Count && modes[i] == "LEAF")
                    {
                        continue;
                    }

                    highest = Math.Max(highest, ids[i]);
                }

                return highest >= 0
                    ? new InputColumns(highest + 1, false, $"{node.OpType} splits on feature ids up to {highest.ToString(CultureInfo.InvariantCulture)}")
                    : null;
            }

            default:
                return null;
        }
    }

    private static InputColumns Exact(long count, string evidence) => new(count, true, evidence);

    private static List<string>? Labels(OnnxGraph.Node node)
    {
        var strings = node.Strings("classlabels_strings");
        if (strings.Count > 0)
        {
            return strings;
        }

        var ints = node.Has("classlabels_int64s") ? node.Ints("classlabels_int64s") : node.Ints("classlabels_ints");
        return ints.Count > 0 ? [.. ints.Select(i => i.ToString(CultureInfo.InvariantCulture))] : null;
    }
}

/// <summary>How many input columns a graph reads, whether exactly or at least, and what in the graph says so.</summary>
internal readonly record struct InputColumns(long Count, bool Exact, string Evidence);
