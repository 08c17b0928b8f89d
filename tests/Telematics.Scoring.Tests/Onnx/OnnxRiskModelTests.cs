using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

public sealed class OnnxRiskModelTests
{
    // Rows that reach every leaf of both test trees.
    private static readonly float[][] Rows =
    [
        [1f, 5f, 0.2f],
        [3f, 5f, 0.2f],
        [3f, 20f, 0.9f],
        [2f, 12f, 0.9f],
        [2.5f, 10f, 0.5f],
    ];

    private static OnnxRiskModel Load(byte[] onnx, string output, string? positiveClass = null, int? positiveIndex = null, int maxBatch = 1024, string[]? features = null, OnnxInputLayout layout = OnnxInputLayout.Tensor) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = features ?? TestOnnxModels.Features,
            OutputName = output,
            PositiveClass = positiveClass,
            PositiveIndex = positiveIndex,
            MaxBatchSize = maxBatch,
            InputLayout = layout,
        });

    private static float[] ScoreRows(IRiskModel model, float[][] rows)
    {
        var inputs = rows.SelectMany(r => r).ToArray();
        var outputs = new float[rows.Length];
        model.Score(inputs, outputs);
        return outputs;
    }

    [Fact]
    public void Tree_classifier_with_zipmap_and_float_input_gives_the_class_1_probability()
    {
        using var model = Load(TestOnnxModels.TreeClassifier(), "output_probability", positiveClass: "1");

        var outputs = ScoreRows(model, Rows);

        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeProbability(Rows[i][0], Rows[i][1], Rows[i][2]), outputs[i], 5);
        }
    }

    [Fact]
    public void Tree_classifier_zipmap_positive_class_can_be_the_other_label()
    {
        using var model = Load(TestOnnxModels.TreeClassifier(), "output_probability", positiveClass: "0");

        var outputs = ScoreRows(model, Rows);

        Assert.Equal(1 - TestOnnxModels.ExpectedTreeProbability(3f, 20f, 0.9f), outputs[2], 5);
    }

    [Fact]
    public void Tree_classifier_with_string_labels_picks_the_positive_class_by_label()
    {
        using var model = Load(TestOnnxModels.TreeClassifier(stringLabels: true), "output_probability", positiveClass: "high");

        var outputs = ScoreRows(model, Rows);

        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(3f, 5f, 0.2f), outputs[1], 5);
    }

    [Fact]
    public void Tree_classifier_probability_tensor_uses_the_positive_column()
    {
        using var model = Load(TestOnnxModels.TreeClassifier(zipMap: false), "probabilities");

        var outputs = ScoreRows(model, Rows);

        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeProbability(Rows[i][0], Rows[i][1], Rows[i][2]), outputs[i], 5);
        }
    }

    [Fact]
    public void Tree_regressor_sums_its_trees_and_base_value()
    {
        using var model = Load(TestOnnxModels.TreeRegressor(), "variable");

        var outputs = ScoreRows(model, Rows);

        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeRegression(Rows[i][0], Rows[i][1], Rows[i][2]), outputs[i], 5);
        }
    }

    [Theory]
    [InlineData(false, "probabilities", null)]
    [InlineData(true, "output_probability", "risky")]
    public void Linear_classifier_gives_the_logistic_of_its_linear_predictor(bool zipMap, string output, string? positiveClass)
    {
        using var model = Load(TestOnnxModels.LinearClassifier(zipMap), output, positiveClass, features: TestOnnxModels.Features[..2]);
        float[][] rows = [[0f, 0f], [1f, 2f], [-3f, 0.5f]];

        var outputs = ScoreRows(model, rows);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedLinearProbability(rows[i][0], rows[i][1]), outputs[i], 5);
        }
    }

    [Fact]
    public void Imputer_scaler_linear_pipeline_matches_the_hand_computed_value()
    {
        using var model = Load(TestOnnxModels.ScalerImputerLinearPipeline(), "variable");
        float[][] rows = [[1f, 0f, 2f], [3f, 1f, 5f], [float.NaN, 0.5f, float.NaN]];

        var outputs = ScoreRows(model, rows);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedPipeline(rows[i][0], rows[i][1], rows[i][2]), outputs[i], 5);
        }
    }

    [Fact]
    public void One_input_per_feature_is_bound_by_name()
    {
        // The manifest lists the features in another order than the graph declares its inputs.
        string[] features = [TestOnnxModels.Features[2], TestOnnxModels.Features[0], TestOnnxModels.Features[1]];
        using var model = Load(TestOnnxModels.PerFeatureLinear(), "variable", features: features, layout: OnnxInputLayout.PerFeature);

        // Model input order is the manifest's: night_share, harsh_braking, phone_minutes.
        var outputs = ScoreRows(model, [[0.5f, 2f, 3f]]);

        Assert.Equal(1 + 2 + 10 * 3 + 100 * 0.5, outputs[0], 4);
    }

    [Fact]
    public void Batches_larger_than_the_maximum_are_split_without_changing_results()
    {
        using var model = Load(TestOnnxModels.TreeRegressor(), "variable", maxBatch: 2);
        var rows = Enumerable.Range(0, 7).Select(i => Rows[i % Rows.Length]).ToArray();

        var outputs = ScoreRows(model, rows);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeRegression(rows[i][0], rows[i][1], rows[i][2]), outputs[i], 5);
        }
    }

    [Fact]
    public void Scoring_the_same_batch_size_again_allocates_nothing()
    {
        using var model = Load(TestOnnxModels.TreeRegressor(), "variable");
        var inputs = Rows.SelectMany(r => r).ToArray();
        var outputs = new float[Rows.Length];
        model.Score(inputs, outputs);

        Assert.Equal(0, Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10; i++)
            {
                model.Score(inputs, outputs);
            }
        }));
    }

    // The test above is served by the compiled trees; these go through ONNX Runtime itself (its pooled OrtValues).
    [Theory]
    [InlineData("trees through ONNX Runtime")]
    [InlineData("gemm")]
    public void Scoring_through_onnx_runtime_the_same_batch_size_again_allocates_nothing(string model)
    {
        using var loaded = Load(model == "gemm" ? WildOnnxModels.GemmRegressor(transposed: false) : TestOnnxModels.TreeRegressor(), "variable");
        Assert.False(model == "gemm" && loaded.UsesCompiledTrees);
        var inputs = Rows.SelectMany(r => r).ToArray();
        var outputs = new float[Rows.Length];
        loaded.ScoreWithOnnxRuntime(inputs, outputs);

        Assert.Equal(0, Allocations.LeastOf(5, () =>
        {
            for (var i = 0; i < 10; i++)
            {
                loaded.ScoreWithOnnxRuntime(inputs, outputs);
            }
        }));
    }

    [Fact]
    public void Manifest_input_name_that_the_graph_lacks_is_refused_naming_both()
    {
        var error = Assert.Throws<ModelBindingException>(() => OnnxRiskModel.Load(TestOnnxModels.TreeRegressor(), TelematicsFeatures.Schema,
            new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "variable", TensorInputName = "input" }));

        Assert.Contains("'input'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'float_input'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_with_a_different_feature_count_is_refused_naming_both_counts()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.TreeRegressor(), "variable", features: TestOnnxModels.Features[..2]));

        Assert.Contains("3 columns", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 feature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Per_feature_manifest_missing_a_graph_input_is_refused_naming_it()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.PerFeatureLinear(), "variable", features: TestOnnxModels.Features[..2], layout: OnnxInputLayout.PerFeature));

        Assert.Contains(TestOnnxModels.Features[2], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_output_is_refused_as_the_raw_output()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.TreeClassifier(), "label"));

        Assert.Contains("'label'", error.Message, StringComparison.Ordinal);
        Assert.Contains("float tensor or a ZipMap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_output_name_is_refused_listing_the_outputs()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.TreeClassifier(), "probability"));

        Assert.Contains("'output_probability'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zipmap_positive_class_that_is_not_a_class_is_refused_at_load_naming_the_classes()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.TreeClassifier(), "output_probability", positiveClass: "7"));

        Assert.Contains("positive_class '7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'0', '1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_bytes_are_refused_as_invalid_data()
    {
        var bytes = TestOnnxModels.TreeRegressor();
        Array.Resize(ref bytes, bytes.Length / 2);

        Assert.Throws<InvalidDataException>(() => Load(bytes, "variable"));
    }
}
