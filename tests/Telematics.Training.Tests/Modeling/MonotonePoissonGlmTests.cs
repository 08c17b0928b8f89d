using Telematics.Features.Schema;
using Telematics.Training.Datasets;
using Telematics.Training.Modeling;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Tests.Modeling;

public sealed class MonotonePoissonGlmTests
{
    private static readonly int Harsh = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km);
    private static readonly int Night = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare);
    private static readonly int Weekend = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.WeekendShare);
    private static readonly int GpsGap = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.GpsGapShare);

    /// <summary>
    /// Drivers whose true ln λ = ln 0.08 + <paramref name="harshEffect"/>·ln(1 + harsh braking) + 1.0·night share; the
    /// weekend share and the GPS-gap share are drawn too but carry no risk. Every other feature is constant.
    /// </summary>
    private static TrainingDataset Planted(double harshEffect, int drivers = 20_000, ulong seed = 5)
    {
        var rng = Xoshiro256.ForStream(seed, 0);
        var width = TelematicsFeatures.Schema.Count;
        var features = new float[drivers * width];
        var exposure = new double[drivers];
        var claims = new int[drivers];
        var lambda = new double[drivers];
        var days = new double[drivers];
        for (var i = 0; i < drivers; i++)
        {
            var row = features.AsSpan(i * width, width);
            days[i] = 7 + (int)(84 * rng.NextDouble());
            row[0] = (float)(30 * days[i]);
            row[1] = (float)(0.8 * days[i]);
            row[2] = (float)(2 * days[i]);
            row[Harsh] = (float)(6 * rng.NextDouble() * rng.NextDouble());
            row[Night] = (float)(0.3 * rng.NextDouble());
            row[Weekend] = (float)(0.4 * rng.NextDouble());
            row[GpsGap] = (float)(0.05 * rng.NextDouble());
            lambda[i] = 0.08 * Math.Exp((harshEffect * Math.Log(1 + row[Harsh])) + (1.0 * row[Night]));
            exposure[i] = 1;
            claims[i] = rng.Poisson(lambda[i]);
        }

        return new TrainingDataset([.. Enumerable.Range(0, drivers).Select(i => $"P{i}")], features, null, exposure, claims, lambda, days);
    }

    private static MonotonePoissonGlm FitAll(TrainingDataset data) =>
        MonotonePoissonGlm.Fit(data, Enumerable.Range(0, data.Count).ToList(), new GlmOptions());

    [Fact]
    public void With_no_factor_left_the_fit_is_the_constant_claim_rate()
    {
        var data = Planted(harshEffect: 0.6);

        var glm = MonotonePoissonGlm.Fit(data, Enumerable.Range(0, data.Count).ToList(), new GlmOptions { MinAbsZ = 1_000 });

        Assert.Empty(glm.Terms);
        Assert.Contains(glm.Dropped, d => d.Feature == TelematicsFeatures.HarshBrakingPer100Km && d.Reason.StartsWith("no signal", StringComparison.Ordinal));
        double claims = 0, years = 0;
        for (var i = 0; i < data.Count; i++)
        {
            claims += data.Claims[i];
            years += data.ExposureYears[i];
        }

        Assert.Equal(claims / years, glm.PredictFrequency(new float[TelematicsFeaturesV2.Schema.Count]), 9);
    }

    [Fact]
    public void Recovers_planted_effects_and_drops_noise_and_data_quality_with_reasons()
    {
        var glm = FitAll(Planted(harshEffect: 0.6));

        var harsh = glm.Terms.Single(t => t.Factor.Feature == TelematicsFeatures.HarshBrakingPer100Km);
        var night = glm.Terms.Single(t => t.Factor.Feature == TelematicsFeatures.NightShare);
        Assert.InRange(harsh.Coefficient, 0.6 - (3 * harsh.StandardError), 0.6 + (3 * harsh.StandardError));
        Assert.InRange(night.Coefficient, 1.0 - (3 * night.StandardError), 1.0 + (3 * night.StandardError));
        Assert.Equal(2, glm.Terms.Count);
        Assert.Contains(glm.Dropped, d => d.Feature == TelematicsFeatures.WeekendShare && d.Reason.StartsWith("no signal", StringComparison.Ordinal));
        Assert.Contains(glm.Dropped, d => d.Feature == TelematicsFeatures.GpsGapShare && d.Reason.StartsWith("data quality", StringComparison.Ordinal));
        Assert.Contains(glm.Dropped, d => d.Feature == TelematicsFeatures.PhoneMovingShare && d.Reason == "no variation in training");
    }

    [Fact]
    public void A_factor_fitted_against_its_claimed_direction_is_dropped_not_served()
    {
        // Here more harsh braking "lowers" risk: the data says so, but the direction is settled, so the term goes.
        var glm = FitAll(Planted(harshEffect: -0.6));

        Assert.DoesNotContain(glm.Terms, t => t.Factor.Feature == TelematicsFeatures.HarshBrakingPer100Km);
        Assert.Contains(glm.Dropped, d => d.Feature == TelematicsFeatures.HarshBrakingPer100Km && d.Reason.Contains("against its increasing direction", StringComparison.Ordinal));
        Assert.All(glm.Terms, t => Assert.True((int)t.Factor.Direction * t.Coefficient >= 0, t.Factor.Feature));
    }

    [Fact]
    public void Predicted_claims_equal_observed_claims_on_the_training_drivers()
    {
        var data = Planted(harshEffect: 0.6, drivers: 5_000);
        var glm = FitAll(data);
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        double predicted = 0, observed = 0;
        for (var i = 0; i < data.Count; i++)
        {
            data.WriteV2Features(i, v2);
            predicted += glm.PredictFrequency(v2) * data.ExposureYears[i];
            observed += data.Claims[i];
        }

        Assert.Equal(observed, predicted, observed * 1e-6);
    }

    [Fact]
    public void Missing_and_out_of_range_values_are_read_as_the_median_and_the_range_ends()
    {
        var glm = FitAll(Planted(harshEffect: 0.6, drivers: 5_000));
        var harsh = glm.Terms.Single(t => t.Factor.Feature == TelematicsFeatures.HarshBrakingPer100Km);

        Assert.Equal(harsh.Transform(harsh.Median), harsh.Transform(double.NaN));
        Assert.Equal(harsh.Transform(harsh.Upper), harsh.Transform(1e6));
        Assert.Equal(harsh.Transform(harsh.Lower), harsh.Transform(-5));
    }

    [Fact]
    public void Each_term_reads_its_own_feature_of_the_telematics_2_vector_whatever_the_order_of_the_factors()
    {
        var data = Planted(harshEffect: 0.6, drivers: 5_000);
        var rows = Enumerable.Range(0, data.Count).ToList();

        // The factors in reverse: a term placed by its index in the list would read another feature's value.
        var glm = MonotonePoissonGlm.Fit(data, rows, new GlmOptions(), [.. RatingFactors.All.Reverse()]);

        Assert.Equal([TelematicsFeatures.HarshBrakingPer100Km, TelematicsFeatures.NightShare], glm.Terms.Select(t => t.Factor.Feature));
        Assert.All(glm.Terms, t => Assert.Equal(TelematicsFeaturesV2.Schema.IndexOf(t.Factor.Feature), t.SchemaIndex));
        var inOrder = FitAll(data);
        Assert.All(glm.Terms, t => Assert.Equal(inOrder.Terms.Single(u => u.Factor.Feature == t.Factor.Feature).Coefficient, t.Coefficient, 1e-6));
    }

    [Fact]
    public void A_dataset_without_observation_windows_is_refused()
    {
        var data = Planted(harshEffect: 0.6, drivers: 100);
        var without = new TrainingDataset([.. data.DriverIds], data.AllFeatures.ToArray(), null, data.ExposureYears.ToArray(), data.Claims.ToArray(), null);

        var error = Assert.Throws<InvalidOperationException>(() => FitAll(without));

        Assert.Contains("observed_days", error.Message, StringComparison.Ordinal);
    }
}
