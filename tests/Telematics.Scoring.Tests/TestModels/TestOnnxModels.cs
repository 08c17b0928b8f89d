using Telematics.Features.Schema;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>
/// Tiny ONNX models of every shape the SDK must load, each with its correct output worked out by hand
/// (<c>Expected…</c>) so ONNX Runtime's results can be checked through the SDK's model class.
/// </summary>
internal static class TestOnnxModels
{
    /// <summary>The three schema features every test model reads, in model input order.</summary>
    public static readonly string[] Features =
    [
        TelematicsFeatures.HarshBrakingPer100Km,
        TelematicsFeatures.PhoneMinutesPerHour,
        TelematicsFeatures.NightShare,
    ];

    /// <summary>
    /// Two trees, probability of class 1 = 0.5·t0 + 0.5·t1 with
    /// t0 = x0 ≤ 2.5 ? 0.1 : (x2 ≤ 0.5 ? 0.6 : 0.9) and t1 = x1 ≤ 10 ? 0.2 : 0.8.
    /// </summary>
    public static double ExpectedTreeProbability(float x0, float x1, float x2)
    {
        var t0 = x0 <= 2.5f ? 0.1 : (x2 <= 0.5f ? 0.6 : 0.9);
        var t1 = x1 <= 10f ? 0.2 : 0.8;
        return 0.5 * t0 + 0.5 * t1;
    }

    /// <summary>Same trees as a regressor: 0.25 + (x0 ≤ 2.5 ? 1 : (x2 ≤ 0.5 ? 2 : 3)) + (x1 ≤ 10 ? 0.5 : 1.5).</summary>
    public static double ExpectedTreeRegression(float x0, float x1, float x2) =>
        0.25 + (x0 <= 2.5f ? 1.0 : (x2 <= 0.5f ? 2.0 : 3.0)) + (x1 <= 10f ? 0.5 : 1.5);

    /// <summary>TreeEnsembleClassifier; with <paramref name="zipMap"/> its probabilities go through ZipMap.</summary>
    /// <param name="inputName">Name of the single [N, 3] float input.</param>
    /// <param name="zipMap">Whether probabilities are a sequence of maps (output <c>output_probability</c>) or a [N, 2] tensor (<c>probabilities</c>).</param>
    /// <param name="stringLabels">Labels <c>low</c>/<c>high</c> instead of 0/1.</param>
    public static byte[] TreeClassifier(string inputName = "float_input", bool zipMap = true, bool stringLabels = false)
    {
        var builder = new OnnxBuilder().FloatInput(inputName, 3)
            .TensorOutput("label", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64, 0);
        builder.Node("TreeEnsembleClassifier", "ai.onnx.ml", [inputName], ["label", "probabilities"], a =>
        {
            TreeStructure(a);
            long[] leafTrees = [0, 0, 0, 1, 1];
            long[] leafNodes = [1, 3, 4, 1, 2];
            float[] leafP = [0.1f, 0.6f, 0.9f, 0.2f, 0.8f];
            var treeIds = new List<long>();
            var nodeIds = new List<long>();
            var classIds = new List<long>();
            var weights = new List<float>();
            for (var i = 0; i < leafP.Length; i++)
            {
                treeIds.AddRange([leafTrees[i], leafTrees[i]]);
                nodeIds.AddRange([leafNodes[i], leafNodes[i]]);
                classIds.AddRange([0, 1]);
                weights.AddRange([0.5f * (1 - leafP[i]), 0.5f * leafP[i]]);
            }

            a.Ints("class_treeids", [.. treeIds]).Ints("class_nodeids", [.. nodeIds])
                .Ints("class_ids", [.. classIds]).Floats("class_weights", [.. weights])
                .String("post_transform", "NONE");
            if (stringLabels)
            {
                a.Strings("classlabels_strings", "low", "high");
            }
            else
            {
                a.Ints("classlabels_int64s", 0, 1);
            }
        });
        if (zipMap)
        {
            builder.Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a =>
            {
                if (stringLabels)
                {
                    a.Strings("classlabels_strings", "low", "high");
                }
                else
                {
                    a.Ints("classlabels_int64s", 0, 1);
                }
            });
            builder.ZipMapOutput("output_probability", stringLabels ? OnnxBuilder.String : OnnxBuilder.Int64);
        }
        else
        {
            builder.TensorOutput("probabilities", OnnxBuilder.Float, 2);
        }

        return builder.Build();
    }

    /// <summary>TreeEnsembleRegressor with the same trees; output <c>variable</c> [N, 1].</summary>
    public static byte[] TreeRegressor() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("TreeEnsembleRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a =>
            {
                TreeStructure(a);
                a.Ints("target_treeids", 0, 0, 0, 1, 1).Ints("target_nodeids", 1, 3, 4, 1, 2)
                    .Ints("target_ids", 0, 0, 0, 0, 0).Floats("target_weights", 1, 2, 3, 0.5f, 1.5f)
                    .Int("n_targets", 1).Floats("base_values", 0.25f)
                    .String("aggregate_function", "SUM").String("post_transform", "NONE");
            })
            .Build();

    /// <summary>0.8·x0 + 0.5·x1 − 0.3 as log-odds: the LinearClassifier's class-1 probability is its logistic.</summary>
    public static double ExpectedLinearProbability(float x0, float x1) => 1 / (1 + Math.Exp(-(0.8 * x0 + 0.5 * x1 - 0.3)));

    /// <summary>LinearClassifier over 2 inputs with LOGISTIC post-transform; probabilities as a tensor or through ZipMap (string labels).</summary>
    public static byte[] LinearClassifier(bool zipMap)
    {
        var builder = new OnnxBuilder().FloatInput("float_input", 2)
            .TensorOutput("label", zipMap ? OnnxBuilder.String : OnnxBuilder.Int64, 0)
            .Node("LinearClassifier", "ai.onnx.ml", ["float_input"], ["label", "probabilities"], a =>
            {
                a.Floats("coefficients", -0.8f, -0.5f, 0.8f, 0.5f).Floats("intercepts", 0.3f, -0.3f)
                    .String("post_transform", "LOGISTIC").Int("multi_class", 0);
                if (zipMap)
                {
                    a.Strings("classlabels_strings", "safe", "risky");
                }
                else
                {
                    a.Ints("classlabels_ints", 0, 1);
                }
            });
        if (zipMap)
        {
            builder.Node("ZipMap", "ai.onnx.ml", ["probabilities"], ["output_probability"], a => a.Strings("classlabels_strings", "safe", "risky"))
                .ZipMapOutput("output_probability", OnnxBuilder.String);
        }
        else
        {
            builder.TensorOutput("probabilities", OnnxBuilder.Float, 2);
        }

        return builder.Build();
    }

    /// <summary>
    /// Imputer (NaN → 1, 2, 3) → Scaler ((x − [1, 0, 2]) · [0.5, 2, 1]) → LinearRegressor (0.1 + [0.4, −0.3, 0.2]·s) →
    /// Mul by an initializer of 2; output <c>variable</c> [N, 1].
    /// </summary>
    public static double ExpectedPipeline(float x0, float x1, float x2)
    {
        double a = float.IsNaN(x0) ? 1 : x0, b = float.IsNaN(x1) ? 2 : x1, c = float.IsNaN(x2) ? 3 : x2;
        return 2 * (0.1 + 0.4 * ((a - 1) * 0.5) - 0.3 * (b * 2) + 0.2 * ((c - 2) * 1));
    }

    /// <summary>The pipeline of <see cref="ExpectedPipeline"/>.</summary>
    public static byte[] ScalerImputerLinearPipeline() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("gain", [1], [2f])
            .Node("Imputer", "ai.onnx.ml", ["float_input"], ["imputed"], a => a.Floats("imputed_value_floats", 1, 2, 3).Float("replaced_value_float", float.NaN))
            .Node("Scaler", "ai.onnx.ml", ["imputed"], ["scaled"], a => a.Floats("offset", 1, 0, 2).Floats("scale", 0.5f, 2, 1))
            .Node("LinearRegressor", "ai.onnx.ml", ["scaled"], ["linear"], a => a.Floats("coefficients", 0.4f, -0.3f, 0.2f).Floats("intercepts", 0.1f).Int("targets", 1))
            .Node("Mul", "", ["linear", "gain"], ["variable"])
            .Build();

    /// <summary>One [N, 1] input per feature (named as the feature) → Concat → LinearRegressor 1 + x0 + 10·x1 + 100·x2.</summary>
    public static byte[] PerFeatureLinear()
    {
        var builder = new OnnxBuilder();
        foreach (var feature in Features)
        {
            builder.FloatInput(feature, 1);
        }

        return builder.TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("Concat", "", Features, ["joined"], a => a.Int("axis", 1))
            .Node("LinearRegressor", "ai.onnx.ml", ["joined"], ["variable"], a => a.Floats("coefficients", 1, 10, 100).Floats("intercepts", 1))
            .Build();
    }

    /// <summary>A regressor that divides 0 by its input's first column, so it returns NaN for a row with x0 = 0.</summary>
    public static byte[] NaNOnZero() =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("zero", [1], [0f])
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["x0"], a => a.Floats("coefficients", 1, 0, 0).Floats("intercepts", 0))
            .Node("Div", "", ["zero", "x0"], ["variable"])
            .Build();

    /// <summary>A regressor over the three features that always returns <paramref name="value"/>; output <c>variable</c> [N, 1].</summary>
    public static byte[] Constant(float value) =>
        new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 0, 0, 0).Floats("intercepts", value))
            .Build();

    internal static void TreeStructure(OnnxBuilder.Attributes a) =>
        a.Ints("nodes_treeids", 0, 0, 0, 0, 0, 1, 1, 1)
            .Ints("nodes_nodeids", 0, 1, 2, 3, 4, 0, 1, 2)
            .Ints("nodes_featureids", 0, 0, 2, 0, 0, 1, 0, 0)
            .Floats("nodes_values", 2.5f, 0, 0.5f, 0, 0, 10, 0, 0)
            .Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF")
            .Ints("nodes_truenodeids", 1, 0, 3, 0, 0, 1, 0, 0)
            .Ints("nodes_falsenodeids", 2, 0, 4, 0, 0, 2, 0, 0);
}
