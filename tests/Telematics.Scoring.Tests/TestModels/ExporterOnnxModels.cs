namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// ONNX graphs laid out as the common exporters write them (skl2onnx pipelines, onnxmltools for XGBoost and LightGBM,
/// the ai.onnx.ml opset versions in use), over the three test features, each with its value worked out by hand.
/// </summary>
/// <remarks>
/// Shared trees: t0 = x0 ≤ 2.5 ? a : (x2 ≤ 0.5 ? b : c) and t1 = x1 ≤ 10 ? d : e, with leaf values per model.
/// </remarks>
internal static class ExporterOnnxModels
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Tree0(float x0, float x2, double a, double b, double c) => x0 <= 2.5f ? a : (x2 <= 0.5f ? b : c);

    private static double Tree1(float x1, double d, double e) => x1 <= 10f ? d : e;

    /// <summary>skl2onnx Pipeline(SimpleImputer, StandardScaler, LogisticRegression): Imputer → Scaler → LinearClassifier → ZipMap.</summary>
    public static byte[] SklearnLogisticPipeline() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("output_label", OnnxBuilder.Int64, 0)
            .Node("Imputer", "ai.onnx.ml", ["float_input"], ["imputed"], a => a.Floats("imputed_value_floats", 2, 8, 0.1f).Float("replaced_value_float", float.NaN))
            .Node("Scaler", "ai.onnx.ml", ["imputed"], ["scaled"], a => a.Floats("offset", 2, 8, 0.1f).Floats("scale", 0.5f, 0.1f, 4))
            .Node("LinearClassifier", "ai.onnx.ml", ["scaled"], ["output_label", "probabilities"], a =>
                a.Floats("coefficients", -0.6f, -0.3f, -0.2f, 0.6f, 0.3f, 0.2f).Floats("intercepts", 1.1f, -1.1f)
                    .Ints("classlabels_ints", 0, 1).String("post_transform", "LOGISTIC").Int("multi_class", 0))
            .Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a => a.Ints("classlabels_int64s", 0, 1))
            .ZipMapOutput("output_probability", OnnxBuilder.Int64)
            .Build();

    public static double ExpectedSklearnLogistic(float x0, float x1, float x2)
    {
        double a = float.IsNaN(x0) ? 2 : x0, b = float.IsNaN(x1) ? 8 : x1, c = float.IsNaN(x2) ? 0.1 : x2;
        return Sigmoid((0.6 * (a - 2) * 0.5) + (0.3 * (b - 8) * 0.1) + (0.2 * (c - 0.1) * 4) - 1.1);
    }

    /// <summary>skl2onnx Pipeline(StandardScaler, RandomForestClassifier): Scaler → TreeEnsembleClassifier (AVERAGE of probabilities) → ZipMap, string labels.</summary>
    public static byte[] SklearnForestPipeline() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("output_label", OnnxBuilder.String, 0)
            .Node("Scaler", "ai.onnx.ml", ["float_input"], ["scaled"], a => a.Floats("offset", 0, 0, 0).Floats("scale", 1, 1, 1))
            .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["scaled"], ["output_label", "probabilities"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                ClassVotes(a, [0.1f, 0.6f, 0.9f, 0.2f, 0.8f], twoSets: true);
                a.Strings("classlabels_strings", "safe", "risky").String("post_transform", "NONE");
            })
            .Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a => a.Strings("classlabels_strings", "safe", "risky"))
            .ZipMapOutput("output_probability", OnnxBuilder.String)
            .Build();

    /// <summary>The forest's P(risky): the two trees' votes, halved (the classifier's weights are pre-divided by the tree count).</summary>
    public static double ExpectedSklearnForest(float x0, float x1, float x2) => TestOnnxModels.ExpectedTreeProbability(x0, x1, x2);

    /// <summary>
    /// onnxmltools for a binary XGBClassifier: one weight set (class 0) for two labels, base_values = the base margin,
    /// LOGISTIC; probabilities as a [N, 2] tensor (XGBoost exports carry no ZipMap). onnxmltools may declare that output
    /// [N, 1] (<paramref name="declaredColumns"/> 1) while ONNX Runtime returns [N, 2] (onnxruntime#20908). ONNX Runtime 1.31
    /// infers [N, 2] from the classifier and then reports the clash as [N, ?]; <paramref name="opaqueShape"/> passes the
    /// probabilities through a no-op Reshape(x, Shape(x)) that hides the column count from inference, so the declared
    /// [N, 1] is what ONNX Runtime reports (as versions that trust the declaration do).
    /// </summary>
    public static byte[] XgboostBinary(int declaredColumns = 2, bool opaqueShape = false)
    {
        var builder = new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("label", OnnxBuilder.Int64, 0).TensorOutput("probabilities", OnnxBuilder.Float, declaredColumns)
            .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", opaqueShape ? "raw" : "probabilities"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                ClassVotes(a, [-1f, 0.5f, 1.5f, -0.5f, 0.8f], twoSets: false);
                a.Ints("classlabels_int64s", 0, 1).Floats("base_values", -0.2f).String("post_transform", "LOGISTIC");
            });
        return opaqueShape
            ? builder.Node("Shape", "", ["raw"], ["raw_shape"]).Node("Reshape", "", ["raw", "raw_shape"], ["probabilities"]).Build()
            : builder.Build();
    }

    public static double ExpectedXgboostBinary(float x0, float x1, float x2) =>
        Sigmoid(-0.2 + Tree0(x0, x2, -1, 0.5, 1.5) + Tree1(x1, -0.5, 0.8));

    /// <summary>
    /// A binary GBM classifier over <see cref="ExpectedXgboostBinary"/>'s trees with class labels <paramref name="labels"/>
    /// (column 1 is P(<paramref name="labels"/>[1]) = <see cref="ExpectedXgboostBinary"/>), ending as <paramref name="tail"/> says.
    /// </summary>
    public static byte[] LightgbmBinary(long[] labels, BinaryTail tail)
    {
        var builder = new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("label", OnnxBuilder.Int64, 0)
            .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", "raw"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                ClassVotes(a, [-1f, 0.5f, 1.5f, -0.5f, 0.8f], twoSets: false);
                a.Ints("classlabels_int64s", labels).Floats("base_values", -0.2f).String("post_transform", "LOGISTIC");
            });
        return tail switch
        {
            BinaryTail.IdentityMul => builder.FloatInitializer("one", [], [1f])
                .Node("Identity", "", ["raw"], ["same"]).Node("Mul", "", ["same", "one"], ["probabilities"])
                .TensorOutput("probabilities", OnnxBuilder.Float, 2).Build(),
            BinaryTail.NormalizedByRowSum => builder.Int64Initializer("axes", [1], [1])
                .Node("ReduceSum", "", ["raw", "axes"], ["total"], a => a.Int("keepdims", 1)).Node("Div", "", ["raw", "total"], ["probabilities"])
                .TensorOutput("probabilities", OnnxBuilder.Float, 2).Build(),
            BinaryTail.IdentityZipMap => builder.Node("Identity", "", ["raw"], ["same"])
                .Node("ZipMap", "ai.onnx.ml", ["same"], ["probabilities"], a => a.Ints("classlabels_int64s", labels))
                .ZipMapOutput("probabilities", OnnxBuilder.Int64).Build(),
            _ => builder.Node("ZipMap", "ai.onnx.ml", ["raw"], ["output_probability"], a => a.Ints("classlabels_int64s", 0, 1))
                .ZipMapOutput("output_probability", OnnxBuilder.Int64).Build(),
        };
    }

    /// <summary>
    /// onnxmltools for a 3-class LGBMClassifier / XGBClassifier: one tree per class and round, per-class base values,
    /// SOFTMAX; probabilities through ZipMap with int64 labels.
    /// </summary>
    public static byte[] GbmSoftmax() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("label", OnnxBuilder.Int64, 0)
            .Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a =>
            {
                // Trees 0, 1, 2 (one per class) split on x0, x1 and x2 at 2.5, 10 and 0.5.
                a.Ints("nodes_treeids", 0, 0, 0, 1, 1, 1, 2, 2, 2).Ints("nodes_nodeids", 0, 1, 2, 0, 1, 2, 0, 1, 2)
                    .Ints("nodes_featureids", 0, 0, 0, 1, 0, 0, 2, 0, 0).Floats("nodes_values", 2.5f, 0, 0, 10, 0, 0, 0.5f, 0, 0)
                    .Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF")
                    .Ints("nodes_truenodeids", 1, 0, 0, 1, 0, 0, 1, 0, 0).Ints("nodes_falsenodeids", 2, 0, 0, 2, 0, 0, 2, 0, 0)
                    .Ints("class_treeids", 0, 0, 1, 1, 2, 2).Ints("class_nodeids", 1, 2, 1, 2, 1, 2).Ints("class_ids", 0, 0, 1, 1, 2, 2)
                    .Floats("class_weights", 0.4f, -0.3f, -0.2f, 0.5f, 0.1f, 0.9f)
                    .Floats("base_values", 0.1f, 0.0f, -0.1f).Ints("classlabels_int64s", 0, 1, 2).String("post_transform", "SOFTMAX");
            })
            .Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a => a.Ints("classlabels_int64s", 0, 1, 2))
            .ZipMapOutput("output_probability", OnnxBuilder.Int64)
            .Build();

    public static double ExpectedGbmSoftmax(float x0, float x1, float x2, int cls)
    {
        double[] margins =
        [
            0.1 + (x0 <= 2.5f ? 0.4 : -0.3),
            0.0 + (x1 <= 10f ? -0.2 : 0.5),
            -0.1 + (x2 <= 0.5f ? 0.1 : 0.9),
        ];
        var sum = margins.Sum(Math.Exp);
        return Math.Exp(margins[cls]) / sum;
    }

    /// <summary>onnxmltools for an LGBMRegressor with objective poisson: TreeEnsembleRegressor (base value) → Exp, [N, 1].</summary>
    public static byte[] LightgbmPoisson() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["margin"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2).Ints("target_ids", 0, 0, 0, 0, 0)
                    .Floats("target_weights", -0.4f, 0.1f, 0.5f, -0.2f, 0.3f).Int("n_targets", 1).Floats("base_values", -2.3f);
            })
            .Node("Exp", "", ["margin"], ["variable"])
            .Build();

    public static double ExpectedLightgbmPoisson(float x0, float x1, float x2) =>
        Math.Exp(-2.3 + Tree0(x0, x2, -0.4, 0.1, 0.5) + Tree1(x1, -0.2, 0.3));

    /// <summary>onnxmltools for an LGBMRegressor (objective regression): TreeEnsembleRegressor → Identity → <c>variable</c> [N, 1], over the tidy regressor's trees.</summary>
    public static byte[] LightgbmRegressor() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["raw"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2).Ints("target_ids", 0, 0, 0, 0, 0)
                    .Floats("target_weights", 1, 2, 3, 0.5f, 1.5f).Int("n_targets", 1).Floats("base_values", 0.25f);
            })
            .Node("Identity", "", ["raw"], ["variable"])
            .Build();

    /// <summary><see cref="TestOnnxModels.TreeRegressor"/>'s trees under ai.onnx.ml opset <paramref name="mlOpset"/> (1, 2 or 3).</summary>
    public static byte[] TreeRegressorAtOpset(int mlOpset) =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2).Ints("target_ids", 0, 0, 0, 0, 0)
                    .Floats("target_weights", 1, 2, 3, 0.5f, 1.5f).Int("n_targets", 1).Floats("base_values", 0.25f);
            })
            .Build(mlOpset);

    /// <summary>
    /// The same trees as the newer TreeEnsemble op (ai.onnx.ml 5): interior nodes and leaves apart, splits and weights as
    /// tensors, no base value (an Add of 0.25 after it).
    /// </summary>
    public static byte[] TreeEnsembleOpset5() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("base", [1], [0.25f])
            .Node("TreeEnsemble", "ai.onnx.ml", ["float_input"], ["sum"], a =>
                a.Ints("nodes_featureids", 0, 2, 1).FloatTensor("nodes_splits", 2.5f, 0.5f, 10).ByteTensor("nodes_modes", 0, 0, 0)
                    .Ints("nodes_truenodeids", 0, 1, 3).Ints("nodes_trueleafs", 1, 1, 1)
                    .Ints("nodes_falsenodeids", 1, 2, 4).Ints("nodes_falseleafs", 0, 1, 1)
                    .Ints("leaf_targetids", 0, 0, 0, 0, 0).FloatTensor("leaf_weights", 1, 2, 3, 0.5f, 1.5f)
                    .Ints("tree_roots", 0, 2).Int("n_targets", 1).Int("aggregate_function", 1).Int("post_transform", 0))
            .Node("Add", "", ["sum", "base"], ["variable"])
            .Build(mlOpset: 5);

    /// <summary>A TreeEnsembleRegressor with two targets, [N, 2]: target 0 = the shared trees' regression, target 1 = 10 + x1 ≤ 10 ? 1 : 2.</summary>
    public static byte[] TwoTargetTrees() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 2)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2, 1, 2).Ints("target_ids", 0, 0, 0, 0, 0, 1, 1)
                    .Floats("target_weights", 1, 2, 3, 0.5f, 1.5f, 1, 2).Int("n_targets", 2).Floats("base_values", 0.25f, 10);
            })
            .Build();

    public static double ExpectedSecondTarget(float x1) => 10 + (x1 <= 10f ? 1 : 2);

    /// <summary>Writes leaf votes for the shared trees: two weight sets (P(0), P(1)) halved per tree, or one set (the margin).</summary>
    private static void ClassVotes(OnnxBuilder.Attributes a, float[] leafValues, bool twoSets)
    {
        long[] leafTrees = [0, 0, 0, 1, 1];
        long[] leafNodes = [1, 3, 4, 1, 2];
        var trees = new List<long>();
        var nodes = new List<long>();
        var ids = new List<long>();
        var weights = new List<float>();
        for (var i = 0; i < leafValues.Length; i++)
        {
            if (twoSets)
            {
                trees.AddRange([leafTrees[i], leafTrees[i]]);
                nodes.AddRange([leafNodes[i], leafNodes[i]]);
                ids.AddRange([0, 1]);
                weights.AddRange([0.5f * (1 - leafValues[i]), 0.5f * leafValues[i]]);
            }
            else
            {
                trees.Add(leafTrees[i]);
                nodes.Add(leafNodes[i]);
                ids.Add(0);
                weights.Add(leafValues[i]);
            }
        }

        a.Ints("class_treeids", [.. trees]).Ints("class_nodeids", [.. nodes]).Ints("class_ids", [.. ids]).Floats("class_weights", [.. weights]);
    }
}

/// <summary>How <see cref="ExporterOnnxModels.LightgbmBinary"/> ends after its classifier.</summary>
public enum BinaryTail
{
    /// <summary>onnxmltools LGBMClassifier with zipmap=False: Identity → Mul(·, 1) → <c>probabilities</c> [N, 2].</summary>
    IdentityMul,

    /// <summary>skl2onnx's CalibratedClassifierCV / soft voting: the rows divided by their sum (ReduceSum → Div) → <c>probabilities</c>.</summary>
    NormalizedByRowSum,

    /// <summary>skl2onnx with nocl=True: a ZipMap keyed 0/1 by position instead of by label → <c>output_probability</c>.</summary>
    PositionalZipMap,

    /// <summary>onnxmltools LGBMClassifier with its default ZipMap: Identity → ZipMap keyed by label, named <c>probabilities</c>.</summary>
    IdentityZipMap,
}
