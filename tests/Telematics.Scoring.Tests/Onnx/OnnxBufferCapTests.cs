using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>Pooled buffers stay within the per-buffer cap for inputs too, not only for the output.</summary>
public sealed class OnnxBufferCapTests
{
    private const int Width = 20;

    // The sum of 20 inputs through Gemm: wide enough that 2^20 rows (the largest MaxBatchSize) pass the cap.
    private static byte[] WideSum() =>
        new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, Width).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .FloatInitializer("w", [Width, 1], [.. Enumerable.Repeat(1f, Width)]).FloatInitializer("b", [1], [0])
            .Node("Gemm", "", ["float_input", "w", "b"], ["variable"])
            .Build();

    private static OnnxRiskModel Load(int maxBatch) =>
        OnnxRiskModel.Load(WideSum(), TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = [.. Enumerable.Range(0, Width).Select(i => TelematicsFeatures.Schema.Features[i].Name)],
            OutputName = "variable",
            OutputKind = ModelOutputKind.Score,
            MaxBatchSize = maxBatch,
        });

    [Fact]
    public void A_wide_model_with_the_largest_batch_size_is_called_with_rows_that_fit_the_cap_and_scores_right()
    {
        using var model = Load(1 << 20);

        Assert.InRange((long)model.RowsPerCall * Width, OnnxRiskModel.MaxBufferValues - Width + 1, OnnxRiskModel.MaxBufferValues);
        var rows = Enumerable.Range(0, 3 * Width).Select(i => (float)i).ToArray();
        var outputs = new float[3];
        model.Score(rows, outputs);
        Assert.Equal([190f, 590f, 990f], outputs);
    }

    [Fact]
    public void A_batch_size_within_the_cap_is_kept()
    {
        using var model = Load(1024);

        Assert.Equal(1024, model.RowsPerCall);
    }
}
