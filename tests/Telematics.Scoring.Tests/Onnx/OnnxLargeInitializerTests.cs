using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// The SDK's own graph reader keeps only a few values of each initializer (a Reshape's shape, a Mul's constant): large
/// weights stored as packed float_data/int64_data rather than raw_data are skipped without being decoded at load.
/// </summary>
public sealed class OnnxLargeInitializerTests
{
    private const int Values = 2_000_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_packed_initializer_is_not_materialised_at_load(bool int64)
    {
        var builder = new OnnxBuilder().Input("float_input", OnnxBuilder.Float, OnnxBuilder.Symbolic, 3).Output("variable", OnnxBuilder.Float, OnnxBuilder.Symbolic, 1)
            .FloatInitializer("w", [3, 1], [1, 10, 100]).FloatInitializer("b", [1], [1]);
        // An initializer no node reads, 8 MB (float) or 16 MB (int64) decoded: its packed bytes are already in the model array.
        builder = int64
            ? builder.Int64Initializer("large", [Values], new long[Values])
            : builder.FloatInitializer("large", [Values], new float[Values]);
        var onnx = builder.Node("MatMul", "", ["float_input", "w"], ["product"]).Node("Add", "", ["product", "b"], ["variable"]).Build();
        var spec = new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", OutputKind = ModelOutputKind.Score };

        var before = GC.GetAllocatedBytesForCurrentThread();
        using (OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, spec))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // Decoding it into a list would allocate at least Values × 4 bytes (twice that while the list grows).
            Assert.True(allocated < Values * sizeof(float) / 2, $"Load allocated {allocated} bytes.");
        }
    }
}
