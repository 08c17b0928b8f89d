using Telematics.Features.Schema;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

public sealed class OnnxTreeEnsembleReaderTests
{
    private static readonly float[] Grid = [0f, 0.5f, 1f, 2.5f, 3f, 10f, 11f, float.NaN];

    [Fact]
    public void Regressor_trees_evaluate_to_the_hand_worked_outputs()
    {
        var trees = OnnxTreeEnsembleReader.TryRead(TestOnnxModels.TreeRegressor(), Spec("variable"));

        Assert.NotNull(trees);
        Assert.Equal(2, trees.TreeCount);
        foreach (var x0 in Grid)
        {
            foreach (var x1 in Grid)
            {
                foreach (var x2 in Grid)
                {
                    if (float.IsNaN(x0) || float.IsNaN(x1) || float.IsNaN(x2))
                    {
                        continue;
                    }

                    Assert.Equal(TestOnnxModels.ExpectedTreeRegression(x0, x1, x2), trees.Output(trees.Margin([x0, x1, x2])), 6);
                }
            }
        }
    }

    [Theory]
    [InlineData(true, "output_probability")]
    [InlineData(false, "probabilities")]
    public void Classifier_trees_give_the_positive_class_probability_through_zipmap_or_tensor(bool zipMap, string output)
    {
        var trees = OnnxTreeEnsembleReader.TryRead(TestOnnxModels.TreeClassifier(zipMap: zipMap), Spec(output));

        Assert.NotNull(trees);
        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(3f, 12f, 0.2f), trees.Output(trees.Margin([3f, 12f, 0.2f])), 6);
        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(1f, 5f, 0.8f), trees.Output(trees.Margin([1f, 5f, 0.8f])), 6);
    }

    [Fact]
    public void Linear_pipeline_is_not_read_as_trees()
    {
        Assert.Null(OnnxTreeEnsembleReader.TryRead(TestOnnxModels.ScalerImputerLinearPipeline(), Spec("variable")));
    }

    [Fact]
    public void Trees_behind_another_input_name_are_not_read()
    {
        Assert.Null(OnnxTreeEnsembleReader.TryRead(TestOnnxModels.TreeClassifier(inputName: "input"), Spec("output_probability")));
    }

    [Fact]
    public void Loaded_tree_model_keeps_its_verified_trees_and_a_pipeline_has_none()
    {
        using var tree = OnnxRiskModel.Load(TestOnnxModels.TreeRegressor(), TelematicsFeatures.Schema, Spec("variable"));
        using var pipeline = OnnxRiskModel.Load(TestOnnxModels.ScalerImputerLinearPipeline(), TelematicsFeatures.Schema, Spec("variable"));

        Assert.NotNull(tree.Trees);
        Assert.Null(pipeline.Trees);
    }

    [Fact]
    public void Truncated_model_bytes_are_refused_as_invalid_data()
    {
        var bytes = TestOnnxModels.TreeRegressor();

        Assert.Throws<InvalidDataException>(() => OnnxTreeEnsembleReader.TryRead(bytes.AsSpan(0, bytes.Length - 7), Spec("variable")));
    }

    private static OnnxModelSpec Spec(string output) => new() { Features = TestOnnxModels.Features, OutputName = output };
}
