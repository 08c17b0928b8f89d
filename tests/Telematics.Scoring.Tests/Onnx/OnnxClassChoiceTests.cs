using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Onnx;

/// <summary>Which class (or column) is the raw output is chosen explicitly by the manifest, on ZipMap and tensor outputs alike.</summary>
public sealed class OnnxClassChoiceTests
{
    private static readonly float[] LowRow = [1f, 5f, 0.2f];
    private static readonly float[] HighRow = [3f, 5f, 0.2f];

    private static OnnxRiskModel Load(byte[] onnx, string output, string? positiveClass = null, int? positiveIndex = null, ModelOutputKind kind = ModelOutputKind.Probability) =>
        OnnxRiskModel.Load(onnx, TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features,
            OutputName = output,
            PositiveClass = positiveClass,
            PositiveIndex = positiveIndex,
            OutputKind = kind,
        });

    private static (float Low, float High) Score(IRiskModel model)
    {
        var outputs = new float[2];
        model.Score([.. LowRow, .. HighRow], outputs);
        return (outputs[0], outputs[1]);
    }

    private static string Output(bool zipMap) => zipMap ? "output_probability" : "probabilities";

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Three_classes_without_a_choice_are_refused_saying_which_fields_to_set(bool zipMap, bool stringLabels)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.ThreeClassTrees(zipMap, stringLabels), Output(zipMap)));

        Assert.Contains("3 classes", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_class", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_index", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, "2", null)]
    [InlineData(true, true, "high", null)]
    [InlineData(true, false, null, 2)]
    [InlineData(true, true, null, 2)]
    [InlineData(false, false, "2", null)]
    [InlineData(false, true, "high", null)]
    [InlineData(false, false, null, 2)]
    [InlineData(false, true, "high", 2)]
    public void The_named_class_is_read_on_both_output_forms_with_either_option(bool zipMap, bool stringLabels, string? positiveClass, int? positiveIndex)
    {
        using var model = Load(WildOnnxModels.ThreeClassTrees(zipMap, stringLabels), Output(zipMap), positiveClass, positiveIndex);

        var (low, high) = Score(model);

        Assert.Equal(WildOnnxModels.ExpectedThreeClass(LowRow[0], 2), low, 5);
        Assert.Equal(WildOnnxModels.ExpectedThreeClass(HighRow[0], 2), high, 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_class_and_an_index_that_disagree_are_refused_naming_both(bool zipMap)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.ThreeClassTrees(zipMap, stringLabels: true), Output(zipMap), "high", 1));

        Assert.Contains("positive_class 'high' is class 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("positive_index is 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_index_past_the_classes_is_refused(bool zipMap)
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.ThreeClassTrees(zipMap, stringLabels: false), Output(zipMap), positiveIndex: 3));

        Assert.Contains("positive_index 3 is outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_class_on_an_unlabelled_tensor_is_refused_pointing_at_positive_index()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.TwoTargetRegressor(), "variable", positiveClass: "1", kind: ModelOutputKind.Score));

        Assert.Contains("no class labels", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_class_on_a_single_column_output_is_refused()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(TestOnnxModels.TreeRegressor(), "variable", positiveClass: "1", kind: ModelOutputKind.Score));

        Assert.Contains("single column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Positive_class_on_an_output_of_unknown_width_says_so_rather_than_single_column()
    {
        var spec = new OnnxModelSpec { Features = TestOnnxModels.Features, OutputName = "y", PositiveClass = "1" };

        var error = Assert.Throws<ModelBindingException>(() => OnnxClassChoice.ChooseColumn(spec, columns: -1, labels: null));

        Assert.Contains("its column count is unknown", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("single column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_columns_that_are_not_probabilities_need_an_index()
    {
        var error = Assert.Throws<ModelBindingException>(() => Load(WildOnnxModels.TwoTargetRegressor(), "variable", kind: ModelOutputKind.Score));

        Assert.Contains("2 columns and output.kind is 'score'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_columns_that_are_not_probabilities_read_the_column_the_manifest_names()
    {
        using var model = Load(WildOnnxModels.TwoTargetRegressor(), "variable", positiveIndex: 1, kind: ModelOutputKind.Frequency);

        var (low, high) = Score(model);

        // t1 = 2 + 10·x1, and x1 = 5 in both rows.
        Assert.Equal((52f, 52f), (low, high));
    }

    [Fact]
    public void Two_class_zipmap_defaults_to_the_class_labelled_1()
    {
        using var model = Load(TestOnnxModels.TreeClassifier(), "output_probability");

        var (low, _) = Score(model);

        Assert.Contains("class '1'", model.OutputDescription, StringComparison.Ordinal);
        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(LowRow[0], LowRow[1], LowRow[2]), low, 5);
    }

    // Labels that do not say which class is positive: skl2onnx's LogisticRegression trained on y ∈ {1, 2}, or string classes.
    [Theory]
    [InlineData(true, "1", "2", false)]
    [InlineData(false, "1", "2", false)]
    [InlineData(true, "safe", "risky", true)]
    [InlineData(false, "safe", "risky", true)]
    public void Two_classes_without_a_natural_positive_are_refused_without_a_choice_on_both_output_forms(bool zipMap, string first, string second, bool stringLabels)
    {
        var error = Assert.Throws<ModelBindingException>(() => LoadBinary(zipMap, [first, second], stringLabels));

        Assert.Contains($"Output '{Output(zipMap)}' has 2 classes ('{first}', '{second}')", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_class", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.positive_index", error.Message, StringComparison.Ordinal);
    }

    // Column 1 is the logistic of the linear predictor; the positive class is the label 1 (or true) wherever it stands.
    [Theory]
    [InlineData("0", "1", false, 1)]
    [InlineData("1", "0", false, 0)]
    [InlineData("-1", "1", false, 1)]
    [InlineData("true", "false", true, 0)]
    [InlineData("False", "True", true, 1)]
    public void Two_classes_with_a_natural_positive_read_the_same_class_on_both_output_forms(string first, string second, bool stringLabels, int positive)
    {
        using var zipMapModel = LoadBinary(zipMap: true, [first, second], stringLabels);
        using var tensorModel = LoadBinary(zipMap: false, [first, second], stringLabels);
        float[] rows = [1f, 2f, -3f, 0.5f];

        var fromZipMap = new float[2];
        var fromTensor = new float[2];
        zipMapModel.Score(rows, fromZipMap);
        tensorModel.Score(rows, fromTensor);

        var p1 = TestOnnxModels.ExpectedLinearProbability(1f, 2f);
        Assert.Equal(positive == 1 ? p1 : 1 - p1, fromTensor[0], 5);
        Assert.Equal(fromZipMap, fromTensor);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Two_classes_1_and_2_read_the_named_class_on_both_output_forms(bool zipMap)
    {
        using var model = LoadBinary(zipMap, ["1", "2"], stringLabels: false, positiveClass: "1");
        var outputs = new float[1];

        model.Score([1f, 2f], outputs);

        Assert.Equal(1 - TestOnnxModels.ExpectedLinearProbability(1f, 2f), outputs[0], 5);
    }

    [Fact]
    public void Labels_are_read_through_a_Normalizer_after_the_classifier()
    {
        using var model = Load(WildOnnxModels.NormalizedThreeClassLinear(), "probabilities", positiveClass: "high");

        var (low, high) = Score(model);

        Assert.Equal("probabilities: float tensor, column 2 (class 'high')", model.OutputDescription);
        Assert.Equal(WildOnnxModels.ExpectedNormalizedHigh(LowRow[0]), low, 5);
        Assert.Equal(WildOnnxModels.ExpectedNormalizedHigh(HighRow[0]), high, 5);
    }

    private static OnnxRiskModel LoadBinary(bool zipMap, string[] labels, bool stringLabels, string? positiveClass = null) =>
        OnnxRiskModel.Load(WildOnnxModels.BinaryLogistic(zipMap, labels, stringLabels), TelematicsFeatures.Schema, new OnnxModelSpec
        {
            Features = TestOnnxModels.Features[..2],
            OutputName = Output(zipMap),
            PositiveClass = positiveClass,
            OutputKind = ModelOutputKind.Probability,
        });
}
