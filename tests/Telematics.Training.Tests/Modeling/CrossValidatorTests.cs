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
}
