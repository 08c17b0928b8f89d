using Telematics.Scoring.Contributions;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Compiles a model's tree ensemble and keeps it only if it gives ONNX Runtime's outputs bit for bit on rows that probe
/// every split (at, just above and just below each threshold), missing and infinite values, and random values across
/// the thresholds' range; otherwise ONNX Runtime keeps scoring and the reason is kept.
/// </summary>
internal static class CompiledTreeCheck
{
    /// <summary>Rows compared at load; a few milliseconds for the shipped model.</summary>
    public const int Rows = 4096;

    public static (CompiledTreeEnsemble? Compiled, string? Note) Compile(OnnxRiskModel model, TreeEnsemble trees)
    {
        var compiled = CompiledTreeEnsemble.TryCreate(trees, out var refusal);
        if (compiled is null)
        {
            return (null, $"scored by ONNX Runtime: {refusal}");
        }

        var width = trees.Width;
        var rows = ProbeRows(trees, width);
        var expected = new float[Rows];
        var actual = new float[Rows];
        model.ScoreWithOnnxRuntime(rows, expected);
        compiled.Score(rows, actual);
        for (var r = 0; r < Rows; r++)
        {
            if (BitConverter.SingleToInt32Bits(expected[r]) != BitConverter.SingleToInt32Bits(actual[r]))
            {
                return (null, $"scored by ONNX Runtime: the compiled trees gave {actual[r]:R} where ONNX Runtime gives {expected[r]:R} (probe row {r})");
            }
        }

        return (compiled, null);
    }

    private static float[] ProbeRows(TreeEnsemble trees, int width)
    {
        var thresholds = new List<float>[width];
        for (var f = 0; f < width; f++)
        {
            thresholds[f] = [0f];
        }

        foreach (var (feature, threshold) in trees.Splits())
        {
            thresholds[feature].Add(threshold);
        }

        var random = new Random(20_261_205);
        var rows = new float[Rows * width];
        for (var i = 0; i < rows.Length; i++)
        {
            var candidates = thresholds[i % width];
            var value = candidates[random.Next(candidates.Count)];
            rows[i] = random.Next(16) switch
            {
                0 => float.NaN,
                1 => random.Next(2) == 0 ? float.PositiveInfinity : float.NegativeInfinity,
                2 or 3 or 4 => value,
                5 or 6 => MathF.BitIncrement(value),
                7 or 8 => MathF.BitDecrement(value),
                _ => value + ((float)(random.NextDouble() - 0.5) * (1 + MathF.Abs(value))),
            };
        }

        return rows;
    }
}
