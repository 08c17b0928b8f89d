using Telematics.Features.Schema;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Small random tree ensembles as ONNX TreeEnsembleRegressors: full trees of depth 1–4 over 5 features, features
/// repeating along paths, every branch mode, random missing-value tracking, thresholds on a coarse grid so that
/// inputs land exactly on them.
/// </summary>
internal static class RandomTrees
{
    public static readonly string[] Features =
    [
        TelematicsFeatures.NightShare,
        TelematicsFeatures.SpeedingShare,
        TelematicsFeatures.HarshBrakingPer100Km,
        TelematicsFeatures.PhoneMinutesPerHour,
        TelematicsFeatures.P95LateralG,
    ];

    private static readonly float[] Grid = [0.2f, 0.4f, 0.6f, 0.8f];
    private static readonly string[] Modes = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"];

    /// <summary>A random ensemble of 1–3 trees with output <c>variable</c> and the given post-transform.</summary>
    public static byte[] Regressor(int seed, string postTransform = "NONE") => Build(seed, postTransform, classifier: false);

    /// <summary>
    /// The same random trees as a binary TreeEnsembleClassifier with LOGISTIC post-transform in the scikit-learn
    /// gradient-boosting layout: one weight set (class id 0) for labels 0/1; output <c>probabilities</c> [N, 2].
    /// </summary>
    public static byte[] LogisticClassifier(int seed) => Build(seed, "LOGISTIC", classifier: true);

    private static byte[] Build(int seed, string postTransform, bool classifier)
    {
        var random = new Random(seed);
        var treeIds = new List<long>(); var nodeIds = new List<long>(); var featureIds = new List<long>();
        var values = new List<float>(); var modes = new List<string>(); var trueIds = new List<long>(); var falseIds = new List<long>();
        var missing = new List<long>();
        var targetTrees = new List<long>(); var targetNodes = new List<long>(); var weights = new List<float>();
        var trees = random.Next(1, 4);
        for (var t = 0; t < trees; t++)
        {
            var depth = random.Next(1, 5);
            var nodes = (1 << (depth + 1)) - 1;
            for (var n = 0; n < nodes; n++)
            {
                var leaf = n >= (1 << depth) - 1;
                treeIds.Add(t);
                nodeIds.Add(n);
                featureIds.Add(leaf ? 0 : random.Next(Features.Length));
                values.Add(leaf ? 0 : Grid[random.Next(Grid.Length)]);
                modes.Add(leaf ? "LEAF" : Modes[random.Next(Modes.Length)]);
                trueIds.Add(leaf ? 0 : 2 * n + 1);
                falseIds.Add(leaf ? 0 : 2 * n + 2);
                missing.Add(leaf ? 0 : random.Next(2));
                if (leaf)
                {
                    targetTrees.Add(t);
                    targetNodes.Add(n);
                    weights.Add(MathF.Round((float)(random.NextDouble() * 4 - 2), 3));
                }
            }
        }

        if (classifier)
        {
            var leaves = weights.Count;
            return new OnnxBuilder().FloatInput("float_input", Features.Length)
                .TensorOutput("label", OnnxBuilder.Int64, 0).TensorOutput("probabilities", OnnxBuilder.Float, 2)
                .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a => a
                    .Ints("nodes_treeids", [.. treeIds]).Ints("nodes_nodeids", [.. nodeIds]).Ints("nodes_featureids", [.. featureIds])
                    .Floats("nodes_values", [.. values]).Strings("nodes_modes", [.. modes])
                    .Ints("nodes_truenodeids", [.. trueIds]).Ints("nodes_falsenodeids", [.. falseIds])
                    .Ints("nodes_missing_value_tracks_true", [.. missing])
                    .Ints("class_treeids", [.. targetTrees]).Ints("class_nodeids", [.. targetNodes])
                    .Ints("class_ids", [.. Enumerable.Repeat(0L, leaves)])
                    .Floats("class_weights", [.. weights])
                    .Floats("base_values", 0.25f).Ints("classlabels_int64s", 0, 1).String("post_transform", postTransform))
                .Build();
        }

        return new OnnxBuilder().FloatInput("float_input", Features.Length).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a
                .Ints("nodes_treeids", [.. treeIds]).Ints("nodes_nodeids", [.. nodeIds]).Ints("nodes_featureids", [.. featureIds])
                .Floats("nodes_values", [.. values]).Strings("nodes_modes", [.. modes])
                .Ints("nodes_truenodeids", [.. trueIds]).Ints("nodes_falsenodeids", [.. falseIds])
                .Ints("nodes_missing_value_tracks_true", [.. missing])
                .Ints("target_treeids", [.. targetTrees]).Ints("target_nodeids", [.. targetNodes]).Ints("target_ids", [.. targetTrees.Select(_ => 0L)])
                .Floats("target_weights", [.. weights]).Int("n_targets", 1).Floats("base_values", 0.5f)
                .String("aggregate_function", "SUM").String("post_transform", postTransform))
            .Build();
    }

    /// <summary>A random row: grid values (exactly on thresholds), values between them, and missing values.</summary>
    public static float[] Row(Random random)
    {
        float[] choices = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, float.NaN];
        var row = new float[Features.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = choices[random.Next(choices.Length)];
        }

        return row;
    }
}
