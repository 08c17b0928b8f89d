using Telematics.Features.Schema;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Shipped;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// Tree ensembles are compiled at load and then score exactly what ONNX Runtime computes, bit for bit; what cannot be
/// compiled, or would differ, stays with ONNX Runtime and says why.
/// </summary>
public sealed class CompiledTreeEnsembleTests
{
    [Theory]
    [InlineData(1, 1, "SUM", 1)]
    [InlineData(50, 6, "SUM", 2)]
    [InlineData(500, 8, "SUM", 3)]
    [InlineData(40, 5, "AVERAGE", 4)]
    public void A_forest_is_compiled_and_scores_as_onnx_runtime_bit_for_bit(int trees, int depth, string aggregate, int seed)
    {
        var onnx = RandomForests.Build(trees, depth, seed, aggregate);
        using var model = OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomForests.Features, OutputName = "variable" });
        var rows = RandomForests.Rows(3000, seed);

        Assert.True(model.UsesCompiledTrees, model.CompiledTreesNote);
        AssertSameBits(Reference(onnx, "variable", rows, 0), Score(model, rows));
    }

    [Theory]
    [InlineData("BRANCH_LEQ")]
    [InlineData("BRANCH_LT")]
    [InlineData("BRANCH_GTE")]
    [InlineData("BRANCH_GT")]
    public void Each_ordering_mode_with_rows_exactly_on_the_thresholds_scores_as_onnx_runtime(string mode)
    {
        var onnx = RandomForests.Build(20, 4, 7, mode: mode);
        using var model = OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomForests.Features, OutputName = "variable" });
        var thresholds = model.Trees!.Splits();
        var rows = RandomForests.Rows(2000, 8);
        var random = new Random(9);
        for (var i = 0; i < rows.Length; i++)
        {
            var (feature, threshold) = thresholds[random.Next(thresholds.Count)];
            if (i % RandomForests.Features.Length == feature && random.Next(2) == 0)
            {
                rows[i] = random.Next(3) switch { 0 => threshold, 1 => MathF.BitIncrement(threshold), _ => MathF.BitDecrement(threshold) };
            }
        }

        Assert.True(model.UsesCompiledTrees, model.CompiledTreesNote);
        AssertSameBits(Reference(onnx, "variable", rows, 0), Score(model, rows));
    }

    [Fact]
    public void A_logistic_classifier_is_compiled_and_scores_as_onnx_runtime_bit_for_bit()
    {
        var onnx = RandomForests.Build(30, 5, 11, classifier: true);
        using var model = OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomForests.Features, OutputName = "probabilities", PositiveIndex = 1 });
        var rows = RandomForests.Rows(2000, 12);

        AssertSameBits(Reference(onnx, "probabilities", rows, 1), Score(model, rows));
        Assert.True(model.UsesCompiledTrees, model.CompiledTreesNote);
    }

    [Fact]
    public void Equality_splits_stay_with_onnx_runtime_and_say_so()
    {
        var onnx = RandomForests.Build(5, 3, 13, mode: "BRANCH_EQ");
        using var model = OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomForests.Features, OutputName = "variable" });

        Assert.False(model.UsesCompiledTrees);
        Assert.Contains("equality splits are not compiled", model.CompiledTreesNote, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_model_is_compiled_or_says_why_and_scores_as_onnx_runtime()
    {
        using var package = ShippedModel.Load();
        var model = Assert.IsType<OnnxRiskModel>(package.Model);
        var width = model.Binding.Count;
        var rows = new float[2000 * width];
        var random = new Random(14);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)(random.NextDouble() * (i % 3 == 0 ? 100 : 1));
        }

        var compiled = Score(model, rows);
        var reference = new float[2000];
        model.ScoreWithOnnxRuntime(rows, reference);

        AssertSameBits(reference, compiled);
        // Its graph ends in Exp after the trees (a Poisson model's λ), which the compiled form does not evaluate.
        Assert.True(model.UsesCompiledTrees || model.Trees is null, model.CompiledTreesNote);
    }

    private static float[] Score(OnnxRiskModel model, float[] rows)
    {
        var outputs = new float[rows.Length / model.Binding.Count];
        model.Score(rows, outputs);
        return outputs;
    }

    private static float[] Reference(byte[] onnx, string output, float[] rows, int column)
    {
        var width = RandomForests.Features.Length;
        var split = new float[rows.Length / width][];
        for (var r = 0; r < split.Length; r++)
        {
            split[r] = rows.AsSpan(r * width, width).ToArray();
        }

        return OrtReference.Run(onnx, "float_input", output, split, 1024, pad: false, column);
    }

    private static void AssertSameBits(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"row {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
