using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Tests.Experiments;

namespace Telematics.Scoring.Tests.Pricing;

public sealed class PremiumCalculatorTests
{
    private static readonly PricingPlan Standard =
        PricingPlanJson.Load(Path.Combine(ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-standard-2027.json"));

    [Fact]
    public void An_average_careful_driver_gets_every_discount_limited_by_the_total_cap()
    {
        var features = new Dictionary<string, double>
        {
            [TelematicsFeatures.NightShare] = 0.02,
            [TelematicsFeatures.PhoneMinutesPerHour] = 0.2,
            [TelematicsFeatures.HarshBrakingPer100Km] = 0.5,
        };

        var quote = PremiumCalculator.Calculate(Standard, 50, 12_000, "FR-75", features);

        // 780 × 1 × 1 = 780; discounts 39 + 58.5 + 39 = 136.5 exceed 15 % of 780 = 117, so 19.5 is added back.
        Assert.Equal(663.00m, quote.Premium);
        Assert.Equal("EUR", quote.Currency);
        Assert.Equal(
            ["base_rate", "risk_multiplier", "mileage", "discount:low_night_driving", "discount:no_phone", "discount:smooth_braking", "discount_cap", "rounding"],
            quote.Steps.Select(s => s.Name));
        Assert.Equal(-58.5m, quote.Steps[4].Value);
        Assert.Equal(19.5m, quote.Steps[6].Value);
    }

    [Fact]
    public void Mileage_bands_annualise_over_a_365_day_policy_year_as_documented()
    {
        // docs/pricing: 2,000 km in 146 days is 5,000 km, in the band up to 5000 (365.25 days would make it 5,003.4 and
        // move it to the next band); the API README's 60 km over 2 days is 10,950 km a year.
        var annualKm = PremiumCalculator.AnnualiseKm(2000, 146);

        Assert.Equal(5000, annualKm);
        Assert.Equal(10_950, PremiumCalculator.AnnualiseKm(60, 2));
        Assert.Equal(0.75m, PremiumCalculator.Calculate(Standard, 50, annualKm, "FR-75", null).Steps.Single(s => s.Name == "mileage").Value);
    }

    [Fact]
    public void A_risky_high_mileage_driver_pays_the_full_multipliers_rounded_half_even()
    {
        var quote = PremiumCalculator.Calculate(Standard, 100, 40_000, region: null, features: null);

        // 620 × exp(0.6) rounded to 1.822119 × 1.25 = 1412.142225 → 1412.14.
        Assert.Equal(1412.14m, quote.Premium);
        Assert.Equal(1.822119m, quote.Steps[1].Value);
        Assert.Equal("default base rate", quote.Steps[0].Detail);
        Assert.Equal(-0.002225m, quote.Steps[^1].Value);
        Assert.Equal("2 decimal places, half-even", quote.Rounding);
    }

    [Fact]
    public void A_cheap_premium_is_raised_to_the_floor()
    {
        var quote = PremiumCalculator.Calculate(Standard, 0, 3_000, "fr-35", features: null);

        // 560 × 0.548812 × 0.75 = 230.50104 → 230.50, below the floor of 250.
        Assert.Equal(250.00m, quote.Premium);
        Assert.Equal("floor", quote.Steps[^1].Name);
        Assert.Equal(19.50m, quote.Steps[^1].Value);
        Assert.Equal("base rate of region fr-35", quote.Steps[0].Detail);
    }

    [Fact]
    public void A_discount_is_capped_at_its_amount()
    {
        var features = new Dictionary<string, double> { [TelematicsFeatures.PhoneMinutesPerHour] = 0 };

        var quote = PremiumCalculator.Calculate(Standard, 100, 40_000, null, features);

        // 7.5 % of 1412.142225 is 105.91, above the 60 cap.
        var step = Assert.Single(quote.Steps, s => s.Name == "discount:no_phone");
        Assert.Equal(-60m, step.Value);
        Assert.Contains("capped at 60", step.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_nan_feature_earns_no_discount()
    {
        var features = new Dictionary<string, double> { [TelematicsFeatures.NightShare] = double.NaN };

        var quote = PremiumCalculator.Calculate(Standard, 50, 12_000, "FR-75", features);

        Assert.DoesNotContain(quote.Steps, s => s.Name.StartsWith("discount", StringComparison.Ordinal));
        Assert.Equal(780.00m, quote.Premium);
    }

    [Fact]
    public void A_feature_vector_in_schema_order_prices_like_the_same_values_by_name()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.01f;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 3f;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 0.25f;
        var byName = new Dictionary<string, double>
        {
            [TelematicsFeatures.NightShare] = 0.01f,
            [TelematicsFeatures.PhoneMinutesPerHour] = 3f,
            [TelematicsFeatures.HarshBrakingPer100Km] = 0.25f,
        };

        var fromVector = PremiumCalculator.Calculate(Standard, 37.5, 8_000, "FR-13", TelematicsFeatures.Schema, vector);
        var fromNames = PremiumCalculator.Calculate(Standard, 37.5, 8_000, "FR-13", byName);

        Assert.Equal(fromNames.Premium, fromVector.Premium);
        Assert.Equal(fromNames.Steps.Select(s => s.Name), fromVector.Steps.Select(s => s.Name));
    }

    [Fact]
    public void A_stored_figure_at_a_discount_threshold_earns_it_as_the_same_figure_by_name_does()
    {
        // 0.05f is 0.0500000007 as a double: "night_share <= 0.05" must still hold for the driver whose figure reads 0.05.
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.05f;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 9f;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 1.0000001f;
        var byName = new Dictionary<string, double>
        {
            [TelematicsFeatures.NightShare] = 0.05,
            [TelematicsFeatures.PhoneMinutesPerHour] = 9,
            [TelematicsFeatures.HarshBrakingPer100Km] = 1.0000001,
        };

        var fromVector = PremiumCalculator.Calculate(Standard, 37.5, 8_000, "FR-13", TelematicsFeatures.Schema, vector);
        var fromNames = PremiumCalculator.Calculate(Standard, 37.5, 8_000, "FR-13", byName);

        Assert.Contains(fromVector.Steps, s => s.Name == "discount:low_night_driving");
        Assert.DoesNotContain(fromVector.Steps, s => s.Name == "discount:smooth_braking"); // a figure just above stays above
        Assert.Equal(fromNames.Premium, fromVector.Premium);
    }

    [Fact]
    public void A_category_plan_steps_at_the_category_bounds_and_rounds_up()
    {
        var plan = PricingPlanJson.Load(Path.Combine(ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-category-bands.json"));

        Assert.Equal(0.90m, plan.RiskMultiplier.FactorAt(40));
        Assert.Equal(1.00m, plan.RiskMultiplier.FactorAt(40.01));
        // 540 × 1.2 × 0.85 = 550.8 → 551 (up).
        Assert.Equal(551m, PremiumCalculator.Calculate(plan, 70, 5_000, null, null).Premium);
    }

    [Fact]
    public void A_piecewise_plan_interpolates_between_points()
    {
        var plan = PricingPlanJson.Load(Path.Combine(ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-piecewise.json"));

        Assert.Equal(1.175m, plan.RiskMultiplier.FactorAt(65));
        Assert.Equal(0.70m, plan.RiskMultiplier.FactorAt(0));
        Assert.Equal(1.80m, plan.RiskMultiplier.FactorAt(100));
        // 1150 × 1.175 = 1351.25, no mileage bands, no discount earned.
        Assert.Equal(1351.25m, PremiumCalculator.Calculate(plan, 65, 50_000, "US-CA", null).Premium);
    }

    [Theory]
    [InlineData(-0.1, 100)]
    [InlineData(100.1, 100)]
    [InlineData(double.NaN, 100)]
    [InlineData(50, -1)]
    [InlineData(50, double.PositiveInfinity)]
    public void Out_of_range_scores_and_distances_are_refused(double score, double km) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PremiumCalculator.Calculate(Standard, score, km, null, null));
}
