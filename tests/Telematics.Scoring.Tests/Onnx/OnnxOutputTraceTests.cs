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
    private static OnnxRiskModel Load(byte[] onnx, string output, int features, int? positiveIndex = null) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features[..features],
            OutputName = output,
            PositiveIndex = positiveIndex,
            OutputKind = ModelOutputKind.Probability,
        });

    [Fact]
    public void An_output_with_another_row_count_than_the_batch_is_refused_at_load()
    {
        // Reshape([N, 2], [-1, 1]) returns 2N rows: driver r would read P0 or P1 of an earlier driver.
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.ProbabilitiesReshapedToOneColumn(), "y", features: 2));

        Assert.Contains("Output 'y' returned 2 row(s) for the 1 row(s) given", error.Message, StringComparison.Ordinal);
    }
}
