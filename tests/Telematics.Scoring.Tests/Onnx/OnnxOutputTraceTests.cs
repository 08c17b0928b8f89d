using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// An output is read as one row per driver, and as the class the graph says, only where the graph keeps both: an output of
/// another row count, or one behind an operator that reverses the order of probabilities, is refused at load instead of
/// silently mis-scoring.
/// </summary>
public sealed class OnnxOutputTraceTests
{
    private static OnnxRiskModel Load(byte[] onnx, string output, int features, int? positiveIndex = null, ModelOutputKind kind = ModelOutputKind.Probability) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features[..features],
            OutputName = output,
            PositiveIndex = positiveIndex,
            OutputKind = kind,
        });

    [Fact]
    public void An_output_with_another_row_count_than_the_batch_is_refused_at_load()
    {
        // Reshape([N, 2], [-1, 1]) returns 2N rows: driver r would read P0 or P1 of an earlier driver.
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.ProbabilitiesReshapedToOneColumn(), "y", features: 2));

        Assert.Contains("Output 'y' returned 2 row(s) for the 1 row(s) given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_with_more_values_than_one_row_each_is_refused_when_scored()
    {
        // One row for the probe's one row, but [N, N] for N rows: reading y[r] would score driver r with another's value.
        using var model = Load(WildOnnxModels.RowsTimesRows(), "y", features: 3, kind: ModelOutputKind.Score);
        var outputs = new float[2];

        var error = Assert.Throws<ModelScoringException>(() => model.Score([1f, 2f, 3f, 4f, 5f, 6f], outputs));

        Assert.Contains("Output 'y' has 4 values for 2 rows × 1 column(s)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Probabilities_times_a_negative_constant_lose_their_classes_and_need_a_positive_index(bool constantNode)
    {
        // Mul(p, −1) falls as the risk rises: reading it as class 1 would invert every driver's risk.
        var error = Assert.Throws<ModelBindingException>(() =>
            Load(WildOnnxModels.ScaledProbabilities(-1, constantNode), "scaled", features: 2, kind: ModelOutputKind.Score));

        Assert.Contains("output.positive_index", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Probabilities_times_a_positive_constant_keep_their_classes(bool constantNode)
    {
        using var model = Load(WildOnnxModels.ScaledProbabilities(2, constantNode), "scaled", features: 2, kind: ModelOutputKind.Score);

        Assert.Equal("scaled: float tensor, column 1 (class '1')", model.OutputDescription);
    }

    [Fact]
    public void A_classifier_that_does_not_feed_the_output_does_not_withhold_its_default()
    {
        // The {"safe", "risky"} classifier feeds only output_probability; probabilities traces to labels 0/1.
        using var model = Load(WildOnnxModels.TwoClassifiers(), "probabilities", features: 2);
        var outputs = new float[2];

        model.Score([0f, 0f, 2f, 1f], outputs);

        Assert.Equal("probabilities: float tensor, column 1 (class '1')", model.OutputDescription);
        Assert.True(outputs[1] > outputs[0]);
    }
}
