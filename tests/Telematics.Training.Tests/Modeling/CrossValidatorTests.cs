using Telematics.Training.Datasets;
using Telematics.Training.Modeling;

namespace Telematics.Training.Tests.Modeling;

public sealed class CrossValidatorTests
{
    [Fact]
    public void Every_model_and_the_oracle_are_evaluated_out_of_fold()
    {
        var cv = SmallPopulation.CrossValidation;

        Assert.Equal(["glm-classical", "trees-all", "trees-telematics", "glm-telematics", "oracle"], cv.Evaluations.Select(e => e.Model));
        foreach (var predictions in cv.OutOfFoldFrequency.Values)
        {
            Assert.All(predictions, p => Assert.True(p > 0 && double.IsFinite(p)));
        }
    }

    [Fact]
    public void The_oracle_beats_a_constant_model_on_deviance_and_ranking()
    {
        var oracle = SmallPopulation.CrossValidation.Find(CrossValidator.OracleName)!;

        Assert.True(oracle.MeanDeviance < oracle.NullMeanDeviance, $"oracle {oracle.MeanDeviance} vs null {oracle.NullMeanDeviance}");
        Assert.True(oracle.Gini > 0.1, $"oracle Gini {oracle.Gini}");
        Assert.True(oracle.Auc > 0.55, $"oracle AUC {oracle.Auc}");
    }

    [Theory]
    [InlineData(0, "have no claims at all")]
    [InlineData(1, "have no claim: the dataset's 1 claim(s) all fall in fold")]
    public void Data_without_a_claim_in_every_training_fold_is_refused_before_any_fit(int claims, string expected)
    {
        const int drivers = 40;
        var counts = new int[drivers];
        counts.AsSpan(0, claims).Fill(1);
        var exposure = Enumerable.Repeat(1.0, drivers).ToArray();
        var data = new TrainingDataset(
            [.. Enumerable.Range(0, drivers).Select(i => $"D{i}")], new float[drivers * TrainingDataset.FeatureCount], null, exposure, counts, null);

        var e = Assert.Throws<ArgumentException>(() => CrossValidator.Run(data, new TrainingOptions { Folds = 2, Trees = 5, Threads = 1 }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
