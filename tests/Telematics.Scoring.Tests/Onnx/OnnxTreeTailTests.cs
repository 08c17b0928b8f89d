using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>
/// onnxmltools puts Identity (and for classifiers ZipMap or Mul(·, 1)) between a LightGBM model's trees and its output; the
/// trees are still read behind them, for exact contributions and compiled scoring, at the class the manifest chooses.
/// </summary>
public sealed class OnnxTreeTailTests
{
    // Rows reaching every leaf of the shared trees, plus missing values.
    private static readonly float[] Rows = [1f, 5f, 0.2f, 3f, 5f, 0.2f, 3f, 20f, 0.9f, 2f, 12f, 0.9f, 2.5f, 10f, 0.5f, float.NaN, 4f, float.NaN];

    private static OnnxRiskModel Load(byte[] onnx, string output, ModelOutputKind kind, string? positiveClass = null, int? positiveIndex = null) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features,
            OutputName = output,
            OutputKind = kind,
            PositiveClass = positiveClass,
            PositiveIndex = positiveIndex,
        });

    private static void AssertExactAndCompiled(OnnxRiskModel model, Func<float, float, float, double> expected)
    {
        Assert.NotNull(model.Trees);
        Assert.True(model.UsesCompiledTrees, model.CompiledTreesNote);
        var compiled = new float[Rows.Length / 3];
        var byOrt = new float[Rows.Length / 3];

        model.Score(Rows, compiled);
        model.ScoreWithOnnxRuntime(Rows, byOrt);

        Assert.Equal(byOrt, compiled);
        for (var r = 0; r < compiled.Length - 1; r++)
        {
            Assert.Equal(expected(Rows[3 * r], Rows[(3 * r) + 1], Rows[(3 * r) + 2]), compiled[r], 5);
        }
    }

    [Fact]
    public void A_LightGBM_regressor_behind_Identity_gets_exact_compiled_trees()
    {
        using var model = Load(ExporterOnnxModels.LightgbmRegressor(), "variable", ModelOutputKind.Score);

        AssertExactAndCompiled(model, TestOnnxModels.ExpectedTreeRegression);
    }

    [Theory]
    [InlineData(BinaryTail.IdentityZipMap, "probabilities")]
    [InlineData(BinaryTail.IdentityMul, "probabilities")]
    public void A_LightGBM_binary_classifier_behind_Identity_and_ZipMap_or_Mul_gets_exact_compiled_trees(BinaryTail tail, string output)
    {
        using var model = Load(ExporterOnnxModels.LightgbmBinary([0, 1], tail), output, ModelOutputKind.Probability);

        AssertExactAndCompiled(model, ExporterOnnxModels.ExpectedXgboostBinary);
    }

    [Theory]
    [InlineData(BinaryTail.IdentityZipMap)]
    [InlineData(BinaryTail.IdentityMul)]
    public void The_trees_explain_the_class_the_manifest_names_not_a_recomputed_one(BinaryTail tail)
    {
        // Labels 1/2 with class '2' named: column 1, the margin's class, which the single weight set explains exactly.
        using var model = Load(ExporterOnnxModels.LightgbmBinary([1, 2], tail), "probabilities", ModelOutputKind.Probability, positiveClass: "2");

        AssertExactAndCompiled(model, ExporterOnnxModels.ExpectedXgboostBinary);
    }

    [Theory]
    [InlineData(false, "low", null)]
    [InlineData(false, null, 0)]
    [InlineData(true, null, 0)]
    public void A_classifier_read_at_column_0_gets_the_trees_of_column_0(bool zipMap, string? positiveClass, int? positiveIndex)
    {
        // Two weight sets (one per class); the column was recomputed as 1 (or as label '1') regardless of the manifest.
        using var model = Load(TestOnnxModels.TreeClassifier(zipMap: zipMap, stringLabels: true), zipMap ? "output_probability" : "probabilities",
            ModelOutputKind.Probability, positiveClass, positiveIndex);

        AssertExactAndCompiled(model, (x0, x1, x2) => 1 - TestOnnxModels.ExpectedTreeProbability(x0, x1, x2));
    }
}
