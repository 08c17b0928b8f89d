using Telematics.Training.Modeling;

namespace Telematics.Training.Tests.Modeling;

public sealed class FrequencyModelTests
{
    [Fact]
    public void Trees_on_fewer_drivers_than_the_leaf_minimum_still_learn_the_claim_rate_instead_of_predicting_one()
    {
        var data = SmallPopulation.Data;
        var rows = Enumerable.Range(0, 150).ToList();
        var observed = rows.Sum(r => data.Claims[r]) / rows.Sum(r => data.ExposureYears[r]);

        var model = FrequencyModel.Fit(data, FrequencyModelKind.TreesTelematics, rows, new TrainingOptions(), 3);
        var mean = model.Predict(data, rows).Average();

        Assert.InRange(mean, observed / 2, observed * 2);
    }

    [Fact]
    public void Tree_importance_names_every_telematics_feature_and_sums_to_one()
    {
        var importance = SmallPopulation.TelematicsModel.Importance();

        Assert.Equal(29, importance.Count);
        Assert.Equal(1.0, importance.Sum(i => i.Share), 6);
        Assert.True(importance[0].Share >= importance[^1].Share);
    }
}
