using Telematics.Features.Schema;
using Telematics.Scoring.Models;
using Telematics.Scoring.Rules;

namespace Telematics.Scoring.Tests.Rules;

public sealed class RuleBasedModelTests
{
    private static readonly FeatureSchema Schema = TelematicsFeatures.Schema;

    [Fact]
    public void Default_model_binds_every_schema_feature_in_schema_order()
    {
        var binding = RuleBasedModel.Default.Binding;

        Assert.Equal(Schema.Count, binding.Count);
        for (var i = 0; i < Schema.Count; i++)
        {
            Assert.Equal(Schema.Features[i].Name, binding.FeatureNames[i]);
            Assert.Equal(i, binding.SchemaIndexes[i]);
        }
    }

    [Fact]
    public void Reference_driver_scores_the_logistic_of_the_intercept()
    {
        var model = RuleBasedModel.Default;
        var row = new float[model.Binding.Count];
        model.CopyReferenceRow(row);
        var raw = new float[1];

        model.Score(row, raw);

        Assert.Equal(DefaultRuleWeights.Intercept, raw[0], 5);
        Assert.Equal(100 / (1 + Math.Exp(0.62)), RuleBasedModel.Calibration.ToScore(raw[0]), 3);
    }

    [Fact]
    public void Raw_output_follows_the_documented_formula_with_caps()
    {
        var model = new RuleBasedModel(Schema, -1.0,
        [
            new(TelematicsFeatures.NightShare, 2.0, 0.1, 0.5),
            new(TelematicsFeatures.HarshBrakingPer100Km, 0.5, 2, 10),
        ]);

        // night 0.3 → 2·(0.3−0.1) = 0.4; braking 25 capped at 10 → 0.5·(10−2) = 4.
        var raw = model.Raw([0.3f, 25f]);

        Assert.Equal(-1.0 + 0.4 + 4.0, raw, 5);
    }

    [Fact]
    public void Missing_feature_counts_as_its_reference()
    {
        var model = new RuleBasedModel(Schema, 0.5, [new(TelematicsFeatures.NightShare, 2.0, 0.1, 0.5)]);

        Assert.Equal(0.5, model.Raw([float.NaN]), 10);
    }

    [Fact]
    public void Riskier_behaviour_scores_higher_than_the_reference()
    {
        var model = RuleBasedModel.Default;
        var reference = new float[model.Binding.Count];
        model.CopyReferenceRow(reference);
        var risky = (float[])reference.Clone();
        risky[Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = 0.3f;
        risky[Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 12f;
        var raws = new float[2];

        model.Score([.. reference, .. risky], raws);

        Assert.True(raws[1] > raws[0] + 1, $"risky raw {raws[1]} should exceed reference raw {raws[0]} by more than 1");
    }

    [Fact]
    public void Scoring_a_batch_refuses_inputs_of_the_wrong_length()
    {
        var model = RuleBasedModel.Default;

        var error = Assert.Throws<ArgumentException>(() => model.Score(new float[model.Binding.Count + 1], new float[1]));

        Assert.Contains("29 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_on_a_feature_outside_the_schema_is_refused_naming_it()
    {
        var error = Assert.Throws<ModelBindingException>(() => new RuleBasedModel(Schema, 0, [new("tailgating_share", 1, 0, 1)]));

        Assert.Contains("tailgating_share", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_above_its_cap_is_refused_naming_the_feature()
    {
        var error = Assert.Throws<ArgumentException>(() => new RuleBasedModel(Schema, 0, [new(TelematicsFeatures.NightShare, 1, 0.9, 0.5)]));

        Assert.Contains(TelematicsFeatures.NightShare, error.Message, StringComparison.Ordinal);
    }
}
