using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// Two-column probabilities whose classes sit behind operators between the classifier and the output (onnxmltools LightGBM,
/// skl2onnx calibration and voting, skl2onnx nocl): labels are traced where the operator keeps columns, and where they cannot
/// be, a classifier with labels such as {1, 2} withholds the column-1 default that would silently invert the risk.
/// </summary>
public sealed class OnnxHiddenLabelTests
{
    // x0 ≤ 2.5 and x1 ≤ 10 (margin −1.7) versus x0 > 2.5, x2 > 0.5, x1 > 10 (margin 2.1).
    private static readonly float[] Rows = [1f, 5f, 0.2f, 3f, 20f, 0.9f];

    private static OnnxRiskModel Load(byte[] onnx, string output, string? positiveClass = null, int? positiveIndex = null) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features,
            OutputName = output,
            PositiveClass = positiveClass,
            PositiveIndex = positiveIndex,
            OutputKind = ModelOutputKind.Probability,
        });

    private static string Output(BinaryTail tail) => tail == BinaryTail.PositionalZipMap ? "output_probability" : "probabilities";

    private static float[] Score(OnnxRiskModel model)
    {
        var outputs = new float[2];
        model.Score(Rows, outputs);
        return outputs;
    }

    // P(label 2) by hand: Sigmoid(−0.2 − 1 − 0.5) and Sigmoid(−0.2 + 1.5 + 0.8).
    private static readonly double[] SecondClass = [1 / (1 + Math.Exp(1.7)), 1 / (1 + Math.Exp(-2.1))];

    [Theory]
    [InlineData(BinaryTail.IdentityMul)]
    [InlineData(BinaryTail.NormalizedByRowSum)]
    [InlineData(BinaryTail.PositionalZipMap)]
    public void Labels_1_and_2_behind_the_classifier_are_refused_without_a_choice_naming_output_and_labels(BinaryTail tail)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(ExporterOnnxModels.LightgbmBinary([1, 2], tail), Output(tail)));

        Assert.Contains($"Output '{Output(tail)}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'1', '2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_traced_through_Identity_and_Mul_by_one_so_positive_class_reads_its_column()
    {
        using var model = Load(ExporterOnnxModels.LightgbmBinary([1, 2], BinaryTail.IdentityMul), "probabilities", positiveClass: "1");

        var outputs = Score(model);

        Assert.Equal("probabilities: float tensor, column 0 (class '1')", model.OutputDescription);
        Assert.Equal(1 - SecondClass[0], outputs[0], 5);
        Assert.Equal(1 - SecondClass[1], outputs[1], 5);
    }

    [Theory]
    [InlineData(BinaryTail.IdentityMul)]
    [InlineData(BinaryTail.NormalizedByRowSum)]
    [InlineData(BinaryTail.PositionalZipMap)]
    public void A_positive_index_reads_that_column(BinaryTail tail)
    {
        using var model = Load(ExporterOnnxModels.LightgbmBinary([1, 2], tail), Output(tail), positiveIndex: 1);

        var outputs = Score(model);

        Assert.Equal(SecondClass[0], outputs[0], 5);
        Assert.Equal(SecondClass[1], outputs[1], 5);
    }

    [Fact]
    public void Labels_0_and_1_behind_Identity_and_Mul_keep_the_default_of_label_1()
    {
        using var model = Load(ExporterOnnxModels.LightgbmBinary([0, 1], BinaryTail.IdentityMul), "probabilities");

        Assert.Equal(SecondClass[1], Score(model)[1], 5);
        Assert.Contains("class '1'", model.OutputDescription, StringComparison.Ordinal);
    }
}
