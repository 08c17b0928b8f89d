using Telematics.Features.Schema;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Large random tree ensembles as ONNX TreeEnsembleRegressors (or binary LOGISTIC classifiers): full trees of a given
/// depth over the telematics schema's features, the four ordering modes, random missing-value tracking, thresholds
/// anywhere in [0, 10), leaf weights in [−0.5, 0.5). For the compiled-trees tests and benchmarks.
/// </summary>
internal static class RandomForests
{
    private static readonly string[] Modes = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT"];

    /// <summary>The features the forests read: the telematics schema, in order.</summary>
    public static string[] Features { get; } = TelematicsFeatures.Schema.Features.ToArray().Select(f => f.Name).ToArray();

    /// <summary>A forest of <paramref name="trees"/> full trees of <paramref name="depth"/>; output <c>variable</c> [N, 1] or, for a classifier, <c>probabilities</c> [N, 2].</summary>
    public static byte[] Build(int trees, int depth, int seed, string aggregate = "SUM", bool classifier = false, string mode = "")
    {
        var random = new Random(seed);
        var treeIds = new List<long>(); var nodeIds = new List<long>(); var featureIds = new List<long>();
        var values = new List<float>(); var modes = new List<string>(); var trueIds = new List<long>(); var falseIds = new List<long>();
        var missing = new List<long>(); var weightTrees = new List<long>(); var weightNodes = new List<long>(); var weights = new List<float>();
        var nodes = (1 << (depth + 1)) - 1;
        for (var t = 0; t < trees; t++)
        {
            for (var n = 0; n < nodes; n++)
            {
                var leaf = n >= (1 << depth) - 1;
                treeIds.Add(t);
                nodeIds.Add(n);
                featureIds.Add(leaf ? 0 : random.Next(Features.Length));
                values.Add(leaf ? 0 : (float)(random.NextDouble() * 10));
                modes.Add(leaf ? "LEAF" : mode is { Length: > 0 } ? mode : Modes[random.Next(Modes.Length)]);
                trueIds.Add(leaf ? 0 : (2 * n) + 1);
                falseIds.Add(leaf ? 0 : (2 * n) + 2);
                missing.Add(leaf ? 0 : random.Next(2));
                if (leaf)
                {
                    weightTrees.Add(t);
                    weightNodes.Add(n);
                    weights.Add((float)(random.NextDouble() - 0.5));
                }
            }
        }

        var builder = new OnnxBuilder().FloatInput("float_input", Features.Length);
        void Structure(OnnxBuilder.Attributes a) => a
            .Ints("nodes_treeids", [.. treeIds]).Ints("nodes_nodeids", [.. nodeIds]).Ints("nodes_featureids", [.. featureIds])
            .Floats("nodes_values", [.. values]).Strings("nodes_modes", [.. modes])
            .Ints("nodes_truenodeids", [.. trueIds]).Ints("nodes_falsenodeids", [.. falseIds])
            .Ints("nodes_missing_value_tracks_true", [.. missing]);
        if (classifier)
        {
            return builder.TensorOutput("label", OnnxBuilder.Int64, 0).TensorOutput("probabilities", OnnxBuilder.Float, 2)
                .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a =>
                {
                    Structure(a);
                    a.Ints("class_treeids", [.. weightTrees]).Ints("class_nodeids", [.. weightNodes])
                        .Ints("class_ids", [.. weightTrees.Select(_ => 0L)]).Floats("class_weights", [.. weights])
                        .Floats("base_values", -1.25f).Ints("classlabels_int64s", 0, 1).String("post_transform", "LOGISTIC");
                })
                .Build();
        }

        return builder.TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                Structure(a);
                a.Ints("target_treeids", [.. weightTrees]).Ints("target_nodeids", [.. weightNodes]).Ints("target_ids", [.. weightTrees.Select(_ => 0L)])
                    .Floats("target_weights", [.. weights]).Int("n_targets", 1).Floats("base_values", -2.5f)
                    .String("aggregate_function", aggregate).String("post_transform", "NONE");
            })
            .Build();
    }

    /// <summary>Random rows over [−1, 11) with missing and infinite values now and then.</summary>
    public static float[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count * Features.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = random.Next(50) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                _ => (float)((random.NextDouble() * 12) - 1),
            };
        }

        return rows;
    }
}
