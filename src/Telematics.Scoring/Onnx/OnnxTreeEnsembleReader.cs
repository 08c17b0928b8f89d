using System.Globalization;
using Telematics.Scoring.Contributions;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Reads the TreeEnsembleRegressor/Classifier node that produces an ONNX model's raw output, for exact tree
/// contributions: node structure, thresholds, modes, missing-value tracking, the leaf weights of the output's
/// target or class, base value, aggregation and post-transform.
/// </summary>
/// <remarks>
/// Reads the nodes through <see cref="OnnxGraph"/>. Returns <see langword="null"/> for anything it does not explain exactly
/// (per-feature inputs, another op between input and trees or between trees and output than Identity, Cast to float,
/// Mul by 1 and one ZipMap, MIN/MAX aggregation, SOFTMAX/PROBIT, several targets, double-tensor attributes); the caller
/// then keeps the model-agnostic method.
/// </remarks>
internal static class OnnxTreeEnsembleReader
{
    /// <summary>Reads the ensemble from the model's bytes.</summary>
    /// <exception cref="InvalidDataException">The protobuf is malformed.</exception>
    public static TreeEnsemble? TryRead(ReadOnlySpan<byte> onnx, OnnxModelSpec spec) => TryRead(OnnxGraph.Read(onnx), spec);

    /// <summary>Reads the ensemble from an already read graph.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="spec">The manifest's binding.</param>
    /// <param name="column">
    /// The probability column the output reader resolved (from positive_class, positive_index or the default; for a ZipMap the
    /// class's position among its keys); -1 when unknown, then positive_index (or column 1), or positive_class for a ZipMap.
    /// </param>
    public static TreeEnsemble? TryRead(OnnxGraph graph, OnnxModelSpec spec, int column = -1)
    {
        if (spec.InputLayout != OnnxInputLayout.Tensor)
        {
            return null;
        }

        // onnxmltools puts Identity after the trees (LightGBM: Regressor → Identity; Classifier → Identity → ZipMap or → Mul(·, 1)):
        // walk back through what leaves the values unchanged to the node that computes them.
        var tensor = spec.OutputName;
        var viaZipMap = false;
        var node = graph.Producer(tensor);
        for (var hops = 0; hops < 8 && node is not null && !node.OpType.StartsWith("TreeEnsemble", StringComparison.Ordinal); hops++)
        {
            if (node.OpType == "ZipMap" && !viaZipMap && node.Inputs.Count == 1)
            {
                viaZipMap = true;
            }
            else if (!KeepsValues(graph, node))
            {
                return null;
            }

            tensor = node.Inputs[0];
            node = graph.Producer(tensor);
        }

        if (node is null || node.Inputs.Count != 1 || node.Inputs[0] != spec.TensorInputName)
        {
            return null;
        }

        if (node.OpType == "TreeEnsembleRegressor" && !viaZipMap && node.Outputs.Count >= 1 && node.Outputs[0] == tensor)
        {
            return node.Int("n_targets", 1) == 1 ? Build(node, spec.Features.Count, "target_", 0) : null;
        }

        if (node.OpType == "TreeEnsembleClassifier" && node.Outputs.Count >= 2 && node.Outputs[1] == tensor)
        {
            var index = column >= 0 ? column
                : viaZipMap ? ClassIndex(node, spec.PositiveClass ?? "1")
                : spec.PositiveIndex ?? 1;
            return index >= 0 ? Build(node, spec.Features.Count, "class_", index) : null;
        }

        return null;
    }

    /// <summary>Whether <paramref name="node"/> passes its first input through unchanged: Identity, Cast to float, Mul by a constant 1.</summary>
    private static bool KeepsValues(OnnxGraph graph, OnnxGraph.Node node)
    {
        if (node.Outputs.Count != 1 || node.Inputs.Count == 0)
        {
            return false;
        }

        return node.OpType switch
        {
            "Identity" => node.Inputs.Count == 1,
            "Cast" => node.Inputs.Count == 1 && node.Int("to", 0) == 1,
            "Mul" => node.Inputs.Count == 2 && graph.SmallFloatInitializers.TryGetValue(node.Inputs[1], out var factor) && factor is [1f],
            _ => false,
        };
    }

    private static int ClassIndex(OnnxGraph.Node node, string label)
    {
        var ints = node.Ints("classlabels_int64s");
        for (var i = 0; i < ints.Count; i++)
        {
            if (ints[i].ToString(CultureInfo.InvariantCulture) == label)
            {
                return i;
            }
        }

        var strings = node.Strings("classlabels_strings");
        for (var i = 0; i < strings.Count; i++)
        {
            if (strings[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    private static TreeEnsemble? Build(OnnxGraph.Node node, int width, string prefix, int output)
    {
        var treeIds = node.Ints("nodes_treeids");
        var nodeIds = node.Ints("nodes_nodeids");
        var featureIds = node.Ints("nodes_featureids");
        var values = node.Floats("nodes_values");
        var modes = node.Strings("nodes_modes");
        var trueIds = node.Ints("nodes_truenodeids");
        var falseIds = node.Ints("nodes_falsenodeids");
        var missing = node.Ints("nodes_missing_value_tracks_true");
        var count = treeIds.Count;
        if (count == 0 || nodeIds.Count != count || featureIds.Count != count || values.Count != count || modes.Count != count
            || trueIds.Count != count || falseIds.Count != count || (missing.Count != 0 && missing.Count != count))
        {
            return null;
        }

        var index = new Dictionary<(long Tree, long Node), int>(count);
        var roots = new List<int>();
        var rootOfTree = new Dictionary<long, int>();
        for (var i = 0; i < count; i++)
        {
            if (!index.TryAdd((treeIds[i], nodeIds[i]), i))
            {
                return null;
            }

            // The root is the node with the smallest id of its tree (0 for every converter).
            if (!rootOfTree.TryGetValue(treeIds[i], out var root) || nodeIds[i] < nodeIds[root])
            {
                rootOfTree[treeIds[i]] = i;
            }
        }

        foreach (var root in rootOfTree.Values)
        {
            roots.Add(root);
        }

        var feature = new int[count];
        var threshold = new float[count];
        var mode = new TreeNodeMode[count];
        var trueChild = new int[count];
        var falseChild = new int[count];
        var missingTrue = new bool[count];
        for (var i = 0; i < count; i++)
        {
            mode[i] = modes[i] switch
            {
                "LEAF" => TreeNodeMode.Leaf,
                "BRANCH_LEQ" => TreeNodeMode.Leq,
                "BRANCH_LT" => TreeNodeMode.Lt,
                "BRANCH_GTE" => TreeNodeMode.Gte,
                "BRANCH_GT" => TreeNodeMode.Gt,
                "BRANCH_EQ" => TreeNodeMode.Eq,
                "BRANCH_NEQ" => TreeNodeMode.Neq,
                _ => (TreeNodeMode)255,
            };
            if ((byte)mode[i] == 255)
            {
                return null;
            }

            missingTrue[i] = missing.Count != 0 && missing[i] != 0;
            if (mode[i] == TreeNodeMode.Leaf)
            {
                continue;
            }

            if (featureIds[i] < 0 || featureIds[i] >= width
                || !index.TryGetValue((treeIds[i], trueIds[i]), out trueChild[i])
                || !index.TryGetValue((treeIds[i], falseIds[i]), out falseChild[i]))
            {
                return null;
            }

            feature[i] = (int)featureIds[i];
            threshold[i] = values[i];
        }

        var leaf = new double[count];
        var weightTrees = node.Ints(prefix + "treeids");
        var weightNodes = node.Ints(prefix + "nodeids");
        var weightIds = node.Ints(prefix + "ids");
        var weights = node.Floats(prefix + "weights");
        if (weightTrees.Count != weights.Count || weightNodes.Count != weights.Count || weightIds.Count != weights.Count)
        {
            return null;
        }

        if (prefix == "class_" && BinaryCase(node, weightIds) is { } single)
        {
            // One weight set for two classes (the scikit-learn gradient-boosting layout): ONNX Runtime reads it as the
            // margin of the second class. Only that class's output is explained.
            if (output != 1)
            {
                return null;
            }

            output = (int)single;
        }

        var aggregate = node.String("aggregate_function", "SUM");
        var scale = aggregate switch
        {
            "SUM" => 1.0,
            "AVERAGE" => 1.0 / roots.Count,
            _ => double.NaN,
        };
        if (double.IsNaN(scale))
        {
            return null;
        }

        var leafFloat = new float[count];
        for (var w = 0; w < weights.Count; w++)
        {
            if (weightIds[w] != output)
            {
                continue;
            }

            if (!index.TryGetValue((weightTrees[w], weightNodes[w]), out var target) || mode[target] != TreeNodeMode.Leaf)
            {
                return null;
            }

            // ONNX Runtime accumulates in float per leaf; the weights are floats, so the double sum is what it rounds.
            leaf[target] += weights[w] * scale;
            leafFloat[target] += weights[w];
        }

        var baseValues = node.Floats("base_values");
        var baseValue = output < baseValues.Count ? baseValues[output] : 0.0;
        var floats = new TreeEnsembleFloats(leafFloat, output < baseValues.Count ? baseValues[output] : 0f, aggregate == "AVERAGE");
        TreePostTransform? post = node.String("post_transform", "NONE") switch
        {
            "NONE" => TreePostTransform.None,
            "LOGISTIC" => TreePostTransform.Logistic,
            _ => null,
        };
        return post is { } transform
            ? new TreeEnsemble(width, [.. roots], feature, threshold, mode, trueChild, falseChild, missingTrue, leaf, baseValue, transform) { Floats = floats }
            : null;
    }

    private static long? BinaryCase(OnnxGraph.Node node, List<long> classIds)
    {
        var labels = Math.Max(node.Ints("classlabels_int64s").Count, node.Strings("classlabels_strings").Count);
        if (labels != 2 || classIds.Count == 0)
        {
            return null;
        }

        foreach (var id in classIds)
        {
            if (id != classIds[0])
            {
                return null;
            }
        }

        return classIds[0];
    }
}
