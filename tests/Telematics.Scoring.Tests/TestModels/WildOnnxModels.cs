namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// ONNX models shaped as exporters produce them in the wild, beside <see cref="TestOnnxModels"/>' tidy ones: fixed batch
/// dimensions, map inputs, more than two classes, several targets, inputs whose width only the graph states, and graphs
/// ONNX Runtime must refuse. Each reuses the tidy models' trees or linear terms, so expected values stay hand-computable.
/// </summary>
internal static class WildOnnxModels
{
    /// <summary>
    /// <see cref="TestOnnxModels.TreeRegressor"/> with input [<paramref name="batch"/>, 3] and output [<paramref name="batch"/>, 1],
    /// as <c>torch.onnx.export</c> without dynamic axes writes them.
    /// </summary>
    public static byte[] FixedBatchTreeRegressor(long batch) =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, batch, 3).Output("variable", OnnxBuilder.Float, batch, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2)
                    .Ints("target_ids", 0, 0, 0, 0, 0).Floats("target_weights", 1, 2, 3, 0.5f, 1.5f)
                    .Int("n_targets", 1).Floats("base_values", 0.25f)
                    .String("aggregate_function", "SUM").String("post_transform", "NONE");
            })
            .Build();

    /// <summary>
    /// 1 + x0 + 10·x1 + 100·x2 through MatMul, Add and Squeeze(axis 1): a rank-1 output [N], as <c>torch.onnx.export</c> writes a
    /// regression net ending in <c>.squeeze(-1)</c> (and tf2onnx a squeezed Dense). Input and output are [N, 3] → [N] with a dynamic
    /// batch, or [<paramref name="batch"/>, 3] → [<paramref name="batch"/>] when <paramref name="batch"/> is given.
    /// </summary>
    public static byte[] SqueezedLinear(long? batch = null) =>
        new OnnxBuilder().Input("x", OnnxBuilder.Float, batch ?? OnnxBuilder.Symbolic, 3).Output("y", OnnxBuilder.Float, batch ?? OnnxBuilder.Symbolic)
            .FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1]).Int64Initializer("axes", [1], [1])
            .Node("MatMul", "", ["x", "w"], ["product"])
            .Node("Add", "", ["product", "b"], ["column"])
            .Node("Squeeze", "", ["column", "axes"], ["y"])
            .Build();

    /// <summary>
    /// <see cref="FixedBatchMatMul"/>'s 1 + x0 + 10·x1 + 100·x2 without a batch dimension, as <c>torch.onnx.export(net,
    /// torch.zeros(3))</c> writes a Linear(3, 1): input [3] → MatMul [3]·[3, 1] → Add → output [1], or, when
    /// <paramref name="scalar"/>, squeezed to a scalar [] (a net ending in <c>.squeeze()</c>).
    /// </summary>
    public static byte[] UnbatchedLinear(bool scalar)
    {
        long[] outputShape = scalar ? [] : [1];
        var builder = new OnnxBuilder().Input("x", OnnxBuilder.Float, 3).Output("y", OnnxBuilder.Float, outputShape)
            .FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1]).Int64Initializer("axes", [1], [0])
            .Node("MatMul", "", ["x", "w"], ["product"]);
        return (scalar
            ? builder.Node("Add", "", ["product", "b"], ["sum"]).Node("Squeeze", "", ["sum", "axes"], ["y"])
            : builder.Node("Add", "", ["product", "b"], ["y"])).Build();
    }

    /// <summary>
    /// The linear model with input [<paramref name="batch"/>, 3] (symbolic when null) summed to a scalar [] (ReduceSum, then
    /// Add of a scalar bias): the value of the one row of a fixed batch of 1, or one value for a whole batch that no row owns.
    /// </summary>
    public static byte[] BatchSummedToScalar(long? batch) =>
        new OnnxBuilder().Input("x", OnnxBuilder.Float, batch ?? OnnxBuilder.Symbolic, 3).Output("y", OnnxBuilder.Float)
            .FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [], [1])
            .Node("MatMul", "", ["x", "w"], ["product"])
            .Node("ReduceSum", "", ["product"], ["sum"], a => a.Int("keepdims", 0))
            .Node("Add", "", ["sum", "b"], ["y"])
            .Build();

    /// <summary>1 + x0 + 10·x1 + 100·x2 through MatMul and Add, input [<paramref name="batch"/>, 3] (a non-tree fixed-batch export).</summary>
    public static byte[] FixedBatchMatMul(long batch) =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, batch, 3).Output("variable", OnnxBuilder.Float, batch, 1)
            .FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1])
            .Node("MatMul", "", ["float_input", "w"], ["product"])
            .Node("Add", "", ["product", "b"], ["variable"])
            .Build();

    /// <summary>
    /// <see cref="FixedBatchMatMul"/> with a dynamic batch and its weight [3, 1] saved as external data in
    /// <paramref name="location"/> (<c>onnx.save(..., save_as_external_data=True)</c>; torch exports over 2 GB).
    /// </summary>
    public static byte[] ExternalWeightMatMul(string location) =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .ExternalFloatInitializer("w", [3, 1], location).FloatInitializer("b", [1], [1])
            .Node("MatMul", "", ["float_input", "w"], ["product"])
            .Node("Add", "", ["product", "b"], ["variable"])
            .Build();

    /// <summary>The bytes of <see cref="ExternalWeightMatMul"/>'s external weight file: 1, 10, 100 as little-endian float32.</summary>
    public static byte[] ExternalWeights() => [.. new[] { 1f, 10f, 100f }.SelectMany(BitConverter.GetBytes)];

    /// <summary>The value of <see cref="FixedBatchMatMul"/> and <see cref="GemmRegressor"/>.</summary>
    public static double ExpectedLinear(float x0, float x1, float x2) => 1 + x0 + 10.0 * x1 + 100.0 * x2;

    /// <summary>
    /// The same linear model as one Gemm over an input of unstated width [N, ?]; <paramref name="transposed"/> stores the
    /// weight as [1, 3] with transB, as PyTorch's Linear exports.
    /// </summary>
    public static byte[] GemmRegressor(bool transposed) =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, OnnxBuilder.Symbolic).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .FloatInitializer("w", transposed ? [1, 3] : [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1])
            .Node("Gemm", "", ["float_input", "w", "b"], ["variable"], a => a.Int("transB", transposed ? 1 : 0))
            .Build();

    /// <summary><see cref="TestOnnxModels.TreeRegressor"/> over an input of unstated width [N, ?] (splits read columns 0–2).</summary>
    public static byte[] UnknownWidthTreeRegressor() =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, OnnxBuilder.Symbolic).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                TestOnnxModels.TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2)
                    .Ints("target_ids", 0, 0, 0, 0, 0).Floats("target_weights", 1, 2, 3, 0.5f, 1.5f)
                    .Int("n_targets", 1).Floats("base_values", 0.25f);
            })
            .Build();

    /// <summary>Scaler → LinearRegressor (3 coefficients) over an input of unstated width [N, ?].</summary>
    public static byte[] UnknownWidthScaledLinear() =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, OnnxBuilder.Symbolic).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .Node("Scaler", "ai.onnx.ml", ["float_input"], ["scaled"], a => a.Floats("offset", 0).Floats("scale", 1))
            .Node("LinearRegressor", "ai.onnx.ml", ["scaled"], ["variable"], a => a.Floats("coefficients", 1, 10, 100).Floats("intercepts", 1))
            .Build();

    /// <summary>
    /// A DictVectorizer export: the input is a map int64 → float (feature index → value), turned into a [1, 3] tensor
    /// for a LinearRegressor. ONNX Runtime loads it; the SDK feeds tensors only.
    /// </summary>
    public static byte[] MapInput() =>
        new OnnxBuilder().MapInput("features", OnnxBuilder.Int64).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .Node("DictVectorizer", "ai.onnx.ml", ["features"], ["vector"], a => a.Ints("int64_vocabulary", 0, 1, 2))
            .Node("LinearRegressor", "ai.onnx.ml", ["vector"], ["variable"], a => a.Floats("coefficients", 1, 10, 100).Floats("intercepts", 1))
            .Build();

    /// <summary>
    /// Three classes (labels 0, 1, 2 or "low", "mid", "high") by one tree on x0: x0 ≤ 2.5 → (0.7, 0.2, 0.1), else (0.1, 0.3, 0.6);
    /// probabilities through ZipMap (<c>output_probability</c>) or as a [N, 3] tensor (<c>probabilities</c>).
    /// </summary>
    public static byte[] ThreeClassTrees(bool zipMap, bool stringLabels)
    {
        string[] names = ["low", "mid", "high"];
        var builder = new OnnxBuilder().FloatInput("float_input", 3)
            .TensorOutput("label", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64, 0);
        builder.Node("TreeEnsembleClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a =>
        {
            a.Ints("nodes_treeids", 0, 0, 0).Ints("nodes_nodeids", 0, 1, 2).Ints("nodes_featureids", 0, 0, 0)
                .Floats("nodes_values", 2.5f, 0, 0).Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "LEAF")
                .Ints("nodes_truenodeids", 1, 0, 0).Ints("nodes_falsenodeids", 2, 0, 0)
                .Ints("class_treeids", 0, 0, 0, 0, 0, 0).Ints("class_nodeids", 1, 1, 1, 2, 2, 2)
                .Ints("class_ids", 0, 1, 2, 0, 1, 2).Floats("class_weights", 0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f)
                .String("post_transform", "NONE");
            Labels(a, stringLabels, names);
        });
        if (zipMap)
        {
            builder.Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a => Labels(a, stringLabels, names))
                .ZipMapOutput("output_probability", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64);
        }
        else
        {
            builder.TensorOutput("probabilities", OnnxBuilder.Float, 3);
        }

        return builder.Build();
    }

    /// <summary>
    /// skl2onnx's one-vs-rest LogisticRegression over three classes ("low", "mid", "high") with <c>zipmap=False</c>:
    /// LinearClassifier (LOGISTIC per class: σ(−x0), σ(0) = 0.5, σ(x0)) → Normalizer (L1) → <c>probabilities</c> [N, 3].
    /// </summary>
    public static byte[] NormalizedThreeClassLinear() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("label", OnnxBuilder.String, 0).TensorOutput("probabilities", OnnxBuilder.Float, 3)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "scores"], a =>
                a.Floats("coefficients", -1, 0, 0, 0, 0, 0, 1, 0, 0).Floats("intercepts", 0, 0, 0)
                    .Strings("classlabels_strings", "low", "mid", "high").String("post_transform", "LOGISTIC").Int("multi_class", 0))
            .Node("Normalizer", "ai.onnx.ml", ["scores"], ["probabilities"], a => a.String("norm", "L1"))
            .Build();

    /// <summary>P("high") of <see cref="NormalizedThreeClassLinear"/>: σ(x0) / (σ(−x0) + 0.5 + σ(x0)) = σ(x0) / 1.5.</summary>
    public static double ExpectedNormalizedHigh(float x0) => 1 / (1 + Math.Exp(-x0)) / 1.5;

    /// <summary>The probability of class <paramref name="index"/> (0, 1 or 2) of <see cref="ThreeClassTrees"/>.</summary>
    public static double ExpectedThreeClass(float x0, int index) => x0 <= 2.5f ? new[] { 0.7, 0.2, 0.1 }[index] : new[] { 0.1, 0.3, 0.6 }[index];

    /// <summary>
    /// skl2onnx's binary LogisticRegression over two inputs with the class labels it was trained on (int64 labels, or strings when
    /// <paramref name="stringLabels"/>): column 1 (class <paramref name="labels"/>[1]) is
    /// <see cref="TestOnnxModels.ExpectedLinearProbability"/>, column 0 its complement; through ZipMap (<c>output_probability</c>)
    /// or as a [N, 2] tensor (<c>probabilities</c>, <c>zipmap=False</c>).
    /// </summary>
    public static byte[] BinaryLogistic(bool zipMap, string[] labels, bool stringLabels)
    {
        // LinearClassifier names its int labels classlabels_ints, ZipMap classlabels_int64s.
        Action<OnnxBuilder.Attributes> Labels(string intsName) => a =>
        {
            if (stringLabels)
            {
                a.Strings("classlabels_strings", labels);
            }
            else
            {
                a.Ints(intsName, [.. labels.Select(long.Parse)]);
            }
        };

        var builder = new OnnxBuilder().FloatInput("float_input", 2)
            .TensorOutput("label", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64, 0)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a =>
            {
                a.Floats("coefficients", -0.8f, -0.5f, 0.8f, 0.5f).Floats("intercepts", 0.3f, -0.3f)
                    .String("post_transform", "LOGISTIC").Int("multi_class", 0);
                Labels("classlabels_ints")(a);
            });
        return zipMap
            ? builder.Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], Labels("classlabels_int64s"))
                .ZipMapOutput("output_probability", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64).Build()
            : builder.TensorOutput("probabilities", OnnxBuilder.Float, 2).Build();
    }

    /// <summary>
    /// <see cref="BinaryLogistic"/>'s [N, 2] probabilities (labels 0/1) reshaped to [-1, 1] as <c>y</c>, with no declared output shape:
    /// y has 2N rows, P0 and P1 of each driver in turn, so row r is no longer driver r.
    /// </summary>
    public static byte[] ProbabilitiesReshapedToOneColumn() =>
        new OnnxBuilder().FloatInput("float_input", 2).TensorOutput("label", OnnxBuilder.Int64, 0).ShapelessOutput("y", OnnxBuilder.Float)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a => a
                .Floats("coefficients", -0.8f, -0.5f, 0.8f, 0.5f).Floats("intercepts", 0.3f, -0.3f)
                .String("post_transform", "LOGISTIC").Int("multi_class", 0).Ints("classlabels_ints", 0, 1))
            .Int64Initializer("one_column", [2], [-1, 1])
            .Node("Reshape", "", ["probabilities", "one_column"], ["y"])
            .Build();

    /// <summary>
    /// x · xᵀ of the [N, 3] input as <c>y</c>, declared [N, 3] and hidden from shape inference by a no-op Reshape(·, Shape(·)) so
    /// that ONNX Runtime allocates it (see <see cref="ExporterOnnxModels.XgboostBinary"/>): [1, 1] for one row (so the load probe
    /// sees one row and one column) but [N, N] for N rows, more values than one per row.
    /// </summary>
    public static byte[] RowsTimesRows() =>
        new OnnxBuilder().FloatInput("float_input", 3).Output("y", OnnxBuilder.Float, OnnxBuilder.Symbolic, 3)
            .Node("Transpose", "", ["float_input"], ["transposed"], a => a.Ints("perm", 1, 0))
            .Node("MatMul", "", ["float_input", "transposed"], ["product"])
            .Node("Shape", "", ["product"], ["product_shape"]).Node("Reshape", "", ["product", "product_shape"], ["y"])
            .Build();

    /// <summary>
    /// <see cref="BinaryLogistic"/>'s [N, 2] probabilities (labels 0/1) times <paramref name="factor"/>, given as a scalar initializer
    /// or, when <paramref name="constantNode"/>, as a Constant node's value_float: <c>scaled</c> [N, 2]. A factor of −1 makes a
    /// "safety score" whose column 1 falls as the risk rises.
    /// </summary>
    public static byte[] ScaledProbabilities(float factor, bool constantNode)
    {
        var builder = new OnnxBuilder().FloatInput("float_input", 2).TensorOutput("label", OnnxBuilder.Int64, 0).TensorOutput("scaled", OnnxBuilder.Float, 2)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a => a
                .Floats("coefficients", -0.8f, -0.5f, 0.8f, 0.5f).Floats("intercepts", 0.3f, -0.3f)
                .String("post_transform", "LOGISTIC").Int("multi_class", 0).Ints("classlabels_ints", 0, 1));
        builder = constantNode
            ? builder.Node("Constant", "", [], ["factor"], a => a.Float("value_float", factor))
            : builder.FloatInitializer("factor", [], [factor]);
        return builder.Node("Mul", "", ["probabilities", "factor"], ["scaled"]).Build();
    }

    /// <summary>
    /// Two classifiers over the same input: <see cref="BinaryLogistic"/>'s (labels 0/1) giving <c>probabilities</c> [N, 2], and an
    /// unrelated one labelled {"safe", "risky"} ending in a ZipMap, <c>output_probability</c>.
    /// </summary>
    public static byte[] TwoClassifiers() =>
        new OnnxBuilder().FloatInput("float_input", 2).TensorOutput("label", OnnxBuilder.Int64, 0).TensorOutput("probabilities", OnnxBuilder.Float, 2)
            .TensorOutput("other_label", OnnxBuilder.String, 0).ZipMapOutput("output_probability", OnnxBuilder.String)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a => a
                .Floats("coefficients", -0.8f, -0.5f, 0.8f, 0.5f).Floats("intercepts", 0.3f, -0.3f)
                .String("post_transform", "LOGISTIC").Int("multi_class", 0).Ints("classlabels_ints", 0, 1))
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["other_label", "other_probabilities"], a => a
                .Floats("coefficients", 0.1f, 0.2f, -0.1f, -0.2f).Floats("intercepts", 0f, 0f)
                .String("post_transform", "LOGISTIC").Int("multi_class", 0).Strings("classlabels_strings", "safe", "risky"))
            .Node("ZipMap", "ai.onnx.ml", ["other_probabilities"], ["output_probability"], a => a.Strings("classlabels_strings", "safe", "risky"))
            .Build();

    /// <summary>A LinearRegressor with two targets, [N, 2]: t0 = 1 + x0, t1 = 2 + 10·x1 (not probabilities).</summary>
    public static byte[] TwoTargetRegressor() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 2)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
                a.Floats("coefficients", 1, 0, 0, 0, 10, 0).Floats("intercepts", 1, 2).Int("targets", 2))
            .Build();

    /// <summary>
    /// A logit mistaken for a probability: 0.4 + 0.1·x0 through MatMul and Add ([N, 1]), in [0, 1] at x0 = 0 but above 1
    /// once x0 passes 6 (1.5 at x0 = 11).
    /// </summary>
    public static byte[] LinearNotAProbability() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("w", [3, 1], [0.1f, 0, 0]).FloatInitializer("b", [1], [0.4f])
            .Node("MatMul", "", ["float_input", "w"], ["product"])
            .Node("Add", "", ["product", "b"], ["variable"])
            .Build();

    /// <summary>
    /// <see cref="FixedBatchMatMul"/>'s 1 + x0 + 10·x1 + 100·x2 through MatMul and Add with a dynamic batch, in float32 or, when
    /// <paramref name="float64"/>, entirely in float64 (input, weights and output [N, 1]) as skl2onnx exports a model fitted on
    /// float64 numpy data with DoubleTensorType.
    /// </summary>
    public static byte[] LinearOfType(bool float64)
    {
        var type = float64 ? OnnxBuilder.Double : OnnxBuilder.Float;
        var builder = new OnnxBuilder().Input("float_input", type, OnnxBuilder.Symbolic, 3).Output("variable", type, OnnxBuilder.Symbolic, 1);
        builder = float64
            ? builder.DoubleInitializer("w", [3, 1], [1, 10, 100]).DoubleInitializer("b", [1], [1])
            : builder.FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1]);
        return builder.Node("MatMul", "", ["float_input", "w"], ["product"]).Node("Add", "", ["product", "b"], ["variable"]).Build();
    }

    /// <summary>Two Add nodes that feed each other: a cycle ONNX Runtime must refuse.</summary>
    public static byte[] Cyclic() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 3)
            .Node("Add", "", ["float_input", "loop"], ["variable"])
            .Node("Add", "", ["variable", "float_input"], ["loop"])
            .Build();

    /// <summary>A constant model whose input is [N, 3] of <paramref name="elementType"/> (for example int64 or double).</summary>
    public static byte[] TypedInput(int elementType) =>
        new OnnxBuilder().Input("float_input", elementType, OnnxBuilder.Symbolic, 3).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .Node("Cast", "", ["float_input"], ["as_float"], a => a.Int("to", OnnxBuilder.Float))
            .Node("LinearRegressor", "ai.onnx.ml", ["as_float"], ["variable"], a => a.Floats("coefficients", 1, 10, 100).Floats("intercepts", 1))
            .Build();

    private static void Labels(OnnxBuilder.Attributes a, bool strings, string[] names)
    {
        if (strings)
        {
            a.Strings("classlabels_strings", names);
        }
        else
        {
            a.Ints("classlabels_int64s", 0, 1, 2);
        }
    }
}
