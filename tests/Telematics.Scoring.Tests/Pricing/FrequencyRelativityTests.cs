using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;

namespace Telematics.Scoring.Tests.Pricing;

public sealed class FrequencyRelativityTests
{
    private const string Plan = """
        {
          "name": "ubi-relativity", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
          "base_rate": { "default": 600.00 },
          "telematics_relativity": { "book_mean_frequency": 0.1, "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 }
          EXTRA
        }
        """;

    internal static PricingPlan Parse(string extra = "") => PricingPlanJson.Parse(Plan.Replace("EXTRA", extra, StringComparison.Ordinal));

    private static PremiumQuote Quote(PricingPlan plan, double frequency, double days) =>
        PremiumCalculator.Calculate(plan, 50, new ModelFrequency(frequency, days), 12_000, null, TelematicsFeatures.Schema, new float[TelematicsFeatures.Schema.Count]);

    [Theory]
    // λ/λ̄ = 0.5; 60 days: credibility ½ → factor 0.75.
    [InlineData(0.05, 60, 450.00)]
    // Two days of data: credibility 2/62 → almost the classical price.
    [InlineData(0.05, 2, 590.32)]
    // A year of a tenth of the book's frequency: 0.227 blended, capped at 30 % off.
    [InlineData(0.01, 365, 420.00)]
    // Three times the book's frequency for a year: 2.72 blended, capped at 50 % on.
    [InlineData(0.3, 365, 900.00)]
    // The book's own frequency: the classical price whatever the days.
    [InlineData(0.1, 30, 600.00)]
    public void The_premium_is_the_credibility_weighted_capped_relativity_of_the_base_rate(double frequency, double days, double premium)
    {
        var quote = Quote(Parse(), frequency, days);

        Assert.Equal((decimal)premium, quote.Premium);
    }

    [Fact]
    public void The_breakdown_shows_relativity_credibility_and_cap_and_replays_exactly()
    {
        var quote = Quote(Parse(), 0.01, 365);

        Assert.Equal(["base_rate", "frequency_relativity", "credibility", "relativity_cap", "rounding"], quote.Steps.Select(s => s.Name));
        var total = 0m;
        foreach (var step in quote.Steps)
        {
            total = step.Kind switch { PremiumStepKind.Base => step.Value, PremiumStepKind.Multiply => total * step.Value, _ => total + step.Value };
            Assert.Equal(step.RunningTotal, total);
        }

        Assert.Contains("credibility 0.859", quote.Steps[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_score_alone_cannot_be_priced_with_a_relativity_plan()
    {
        var error = Assert.Throws<ArgumentException>(() => PremiumCalculator.Calculate(Parse(), 50, 12_000, null, null));

        Assert.Contains("telematics_relativity", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""", "risk_multiplier": { "kind": "exponential", "k": 0.6 }""", "telematics_relativity")]
    [InlineData(""", "extra": 1""", "extra")]
    public void A_plan_with_both_ways_of_pricing_risk_or_an_unknown_field_is_refused_by_name(string extra, string field)
    {
        var error = Assert.Throws<PricingPlanException>(() => Parse(extra));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("book_mean_frequency", "0")]
    [InlineData("credibility_days", "-5")]
    [InlineData("max_discount_percent", "100")]
    public void Out_of_range_relativity_settings_are_refused_by_field(string name, string value)
    {
        var json = Plan.Replace("EXTRA", "", StringComparison.Ordinal);
        var start = json.IndexOf($"\"{name}\": ", StringComparison.Ordinal) + name.Length + 4;
        var end = json.IndexOfAny([',', ' ', '}'], start);
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(json[..start] + value + json[end..]));

        Assert.Equal($"telematics_relativity.{name}", error.Field);
    }

    [Fact]
    public void A_discount_or_mileage_band_on_what_the_model_prices_is_refused_naming_both()
    {
        var discounted = Parse(""", "discounts": [{ "name": "no_phone", "feature": "phone_minutes_per_hour", "when": "<", "threshold": 0.5, "percent": 5 }]""");
        var banded = Parse(""", "mileage_bands": [{ "up_to_km": 10000, "factor": 0.9 }, { "factor": 1.1 }]""");
        string[] model = [TelematicsFeatures.NightShare, TelematicsFeatures.PhoneMinutesPerHour, TelematicsFeaturesV2.AnnualKm];

        var discount = Assert.Throws<PricingPlanException>(() => discounted.RefuseDoubleCounting(model, "telematics-frequency@2"));
        var mileage = Assert.Throws<PricingPlanException>(() => banded.RefuseDoubleCounting(model, "telematics-frequency@2"));

        Assert.Equal("discounts[0].feature", discount.Field);
        Assert.Contains("'phone_minutes_per_hour' (discount 'no_phone') is already priced by model telematics-frequency@2", discount.Message, StringComparison.Ordinal);
        Assert.Equal("mileage_bands", mileage.Field);
        discounted.RefuseDoubleCounting([TelematicsFeatures.NightShare], "other@1");
    }

    [Fact]
    public void A_region_with_its_own_mean_is_compared_with_its_own_drivers()
    {
        var plan = PricingPlanJson.Parse(Plan.Replace("\"max_surcharge_percent\": 50 }", "\"max_surcharge_percent\": 50, \"region_mean_frequency\": { \"FR-75\": 0.125 } }", StringComparison.Ordinal).Replace("EXTRA", "", StringComparison.Ordinal));

        var paris = PremiumCalculator.Calculate(plan, 50, new ModelFrequency(0.125, 60), 12_000, "fr-75", TelematicsFeatures.Schema, new float[TelematicsFeatures.Schema.Count]);
        var elsewhere = PremiumCalculator.Calculate(plan, 50, new ModelFrequency(0.125, 60), 12_000, "FR-13", TelematicsFeatures.Schema, new float[TelematicsFeatures.Schema.Count]);

        // A Paris driver at Paris's mean frequency pays the (Paris) base rate; elsewhere the same frequency is 1.25 × the book.
        Assert.Equal(600.00m, paris.Premium);
        Assert.Contains("mean of cell fr-75/*/* 0.125", paris.Steps[1].Detail, StringComparison.Ordinal);
        Assert.Equal(675.00m, elsewhere.Premium);
    }

    [Theory]
    [InlineData("FR-75 ")]
    [InlineData("")]
    [InlineData("FR/75")]
    [InlineData("*")]
    public void A_region_mean_key_that_could_never_match_is_refused_by_name(string region)
    {
        var json = Plan.Replace("\"max_surcharge_percent\": 50 }", $"\"max_surcharge_percent\": 50, \"region_mean_frequency\": {{ \"{region}\": 0.125 }} }}", StringComparison.Ordinal).Replace("EXTRA", "", StringComparison.Ordinal);

        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(json));

        Assert.Equal($"telematics_relativity.region_mean_frequency.{region}", error.Field);
        Assert.Contains("is not a region code", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Poor_data_and_extrapolation_count_fewer_days_toward_credibility()
    {
        var features = new float[TelematicsFeatures.Schema.Count];
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.GpsGapShare)] = 0.3f;
        var weight = Telematics.Scoring.Results.DataQuality.CredibilityWeight(Telematics.Scoring.Results.DataQuality.Grade(features), outOfRangeShare: 0.2);
        var frequency = new ModelFrequency(0.05, 120) { CredibilityWeight = weight };
        var quote = PremiumCalculator.Calculate(Parse(), 50, frequency, 12_000, null, TelematicsFeatures.Schema, features);

        // Poor data (a 30 % gap share) weighs 0.5, 20 % of inputs out of range 0.8: 120 days count as 48.
        Assert.Equal(Telematics.Scoring.Results.DataQualityGrade.Poor, Telematics.Scoring.Results.DataQuality.Grade(features));
        Assert.Equal(0.4, frequency.CredibilityWeight, 12);
        Assert.Contains("= 48 days counted, credibility 0.444", quote.Steps[2].Detail, StringComparison.Ordinal);
        Assert.Equal(600 * (1 + (48.0 / 108 * -0.5)), (double)quote.Premium, 0.02);
    }

    [Theory]
    [InlineData(0f, 0f, 0f, Telematics.Scoring.Results.DataQualityGrade.Good)]
    [InlineData(0.06f, 0f, 0f, Telematics.Scoring.Results.DataQualityGrade.Fair)]
    [InlineData(0f, 0f, 0.3f, Telematics.Scoring.Results.DataQualityGrade.Fair)]
    [InlineData(0f, 0.25f, 0f, Telematics.Scoring.Results.DataQualityGrade.Poor)]
    [InlineData(float.NaN, float.NaN, float.NaN, Telematics.Scoring.Results.DataQualityGrade.Good)]
    public void Data_quality_is_graded_from_gaps_dropped_records_and_unknown_roads(float gaps, float dropped, float unknownRoads, Telematics.Scoring.Results.DataQualityGrade grade)
    {
        var features = new float[TelematicsFeatures.Schema.Count];
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.GpsGapShare)] = gaps;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DroppedRecordShare)] = dropped;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.UnknownRoadShare)] = unknownRoads;

        Assert.Equal(grade, Telematics.Scoring.Results.DataQuality.Grade(features));
    }

    [Theory]
    [InlineData(120f, float.NaN, Telematics.Scoring.Results.DataQualityGrade.Fair)] // driven with no posted limit known
    [InlineData(120f, 0f, Telematics.Scoring.Results.DataQualityGrade.Good)]
    [InlineData(0f, float.NaN, Telematics.Scoring.Results.DataQualityGrade.Good)] // nothing driven: nothing unmeasured
    public void Driving_with_no_posted_limit_known_grades_the_data_fair_so_the_speeding_a_model_rates_earns_less_credibility(float km, float speeding, Telematics.Scoring.Results.DataQualityGrade grade)
    {
        var features = new float[TelematicsFeatures.Schema.Count];
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = km;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = speeding;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.SevereSpeedingShare)] = speeding;

        Assert.Equal(grade, Telematics.Scoring.Results.DataQuality.Grade(features));
    }

    [Fact]
    public void A_plan_prohibiting_a_feature_refuses_a_model_that_reads_it()
    {
        var plan = Parse(""", "prohibited_features": ["night_share", "late_night_share"]""");

        var error = Assert.Throws<PricingPlanException>(() => plan.RefuseDoubleCounting([TelematicsFeatures.NightShare], "telematics-frequency@2"));

        Assert.Equal("prohibited_features", error.Field);
        Assert.Contains("--exclude-features night_share", error.Message, StringComparison.Ordinal);
        plan.RefuseDoubleCounting([TelematicsFeatures.PhoneMinutesPerHour], "other@1");
        Assert.Equal("prohibited_features[0]", Assert.Throws<PricingPlanException>(() => Parse(""", "prohibited_features": ["nightshare"]""")).Field);
    }

    [Fact]
    public void A_plan_that_discounts_a_feature_it_prohibits_is_refused_naming_both_fields()
    {
        var standard = File.ReadAllText(Path.Combine(Experiments.ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-standard-2027.json"));
        var json = "{ \"prohibited_features\": [\"late_night_share\", \"night_share\"]," + standard[(standard.IndexOf('{', StringComparison.Ordinal) + 1)..];

        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(json));

        Assert.StartsWith("discounts[", error.Field, StringComparison.Ordinal);
        Assert.EndsWith("].feature", error.Field, StringComparison.Ordinal);
        Assert.Contains("'night_share' (discount 'low_night_driving')", error.Problem, StringComparison.Ordinal);
        Assert.Contains("prohibited_features[1]", error.Problem, StringComparison.Ordinal);
        // Under the other version's name too: a discount on trip_count is a discount on the prohibited trips_per_week.
        var trips = Assert.Throws<PricingPlanException>(() => Parse("""
            , "prohibited_features": ["trips_per_week"], "discounts": [{ "name": "few_trips", "feature": "trip_count", "when": "<", "threshold": 10, "percent": 2 }]
            """));
        Assert.Equal("discounts[0].feature", trips.Field);
        Assert.Contains("prohibited_features[0] 'trips_per_week'", trips.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("annual_km", "distance_km")]
    [InlineData("distance_km", "annual_km")]
    [InlineData("driving_hours", "driving_hours_per_week")]
    [InlineData("driving_hours_per_week", "driving_hours")]
    [InlineData("trip_count", "trips_per_week")]
    [InlineData("trips_per_week", "trip_count")]
    public void A_prohibited_feature_is_refused_under_either_schema_versions_name(string prohibited, string modelReads)
    {
        var plan = Parse($$""", "prohibited_features": ["{{prohibited}}"]""");

        var error = Assert.Throws<PricingPlanException>(() => plan.RefuseDoubleCounting([TelematicsFeatures.NightShare, modelReads], "trees@1"));

        Assert.Equal("prohibited_features", error.Field);
        Assert.Contains($"'{prohibited}' may not be priced under this plan, but model trees@1 reads it (as '{modelReads}')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_discount_is_refused_when_the_model_reads_the_same_feature_under_the_other_versions_name()
    {
        var plan = Parse(""", "discounts": [{ "name": "few_trips", "feature": "trip_count", "when": "<", "threshold": 10, "percent": 2 }]""");

        var error = Assert.Throws<PricingPlanException>(() => plan.RefuseDoubleCounting([TelematicsFeaturesV2.TripsPerWeek], "telematics-frequency@2"));

        Assert.Equal("discounts[0].feature", error.Field);
        Assert.Contains("(as 'trips_per_week')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capped_driver_of_the_demo_plan_pays_the_cap_price_whatever_the_days_and_never_more()
    {
        var demo = PricingPlanJson.Load(Path.Combine(Experiments.ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-relativity-2027.json"));
        var cell = new RatingCell("FR-75", "under25", "small");
        var features = new float[TelematicsFeatures.Schema.Count];

        var shortWindow = PremiumCalculator.Calculate(demo, 50, new ModelFrequency(0.82, 180), 12_000, cell, TelematicsFeatures.Schema, features);
        var year = PremiumCalculator.Calculate(demo, 50, new ModelFrequency(0.865, 365), 12_000, cell, TelematicsFeatures.Schema, features);

        // 780 × 2.2366 × 1.0213 × 1.5 = 2672.5603: both at the +50 % cap, neither a cent above it (was 2672.57 and 2672.55).
        Assert.Equal(2672.56m, shortWindow.Premium);
        Assert.Equal(2672.56m, year.Premium);
        Assert.Equal(780m * 2.2366m * 1.0213m * 1.5m, shortWindow.Steps.Single(s => s.Name == "relativity_cap").RunningTotal);
    }

    [Theory]
    // An unclipped Poisson export's λ: λ/λ̄ does not fit a decimal, and threw OverflowException for the whole recalculation.
    [InlineData(1e27, 180)]
    [InlineData(double.MaxValue, 2)]
    public void A_huge_model_frequency_pays_the_cap_price_and_the_breakdown_replays(double frequency, double days)
    {
        var demo = PricingPlanJson.Load(Path.Combine(Experiments.ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", "ubi-relativity-2027.json"));

        var quote = PremiumCalculator.Calculate(demo, 50, new ModelFrequency(frequency, days), 12_000, new RatingCell("FR-75", "under25", "small"), TelematicsFeatures.Schema, new float[TelematicsFeatures.Schema.Count]);

        Assert.Equal(2672.56m, quote.Premium);
        Assert.Equal(780m * 2.2366m * 1.0213m * 1.5m, quote.Steps.Single(s => s.Name == "relativity_cap").RunningTotal);
        Assert.Contains("largest relativity priced", quote.Steps.Single(s => s.Name == "frequency_relativity").Detail, StringComparison.Ordinal);
        var total = 0m;
        foreach (var step in quote.Steps)
        {
            total = step.Kind switch { PremiumStepKind.Base => step.Value, PremiumStepKind.Multiply => total * step.Value, _ => total + step.Value };
            Assert.Equal(step.RunningTotal, total);
        }
    }

    [Theory]
    // Base 1950, λ/λ̄ = 5 for 200 days: capped at 1.5 → 2925.00 (was 2925.01).
    [InlineData(1950.00, 0.5, 200, "half_even", 2925.00)]
    // Rounding down, base 600, λ/λ̄ = 3 for a year: 900.00 (was 899.99).
    [InlineData(600.00, 0.3, 365, "down", 900.00)]
    public void The_cap_is_exact_before_the_plans_rounding(double baseRate, double frequency, double days, string mode, double premium)
    {
        var plan = PricingPlanJson.Parse(Plan
            .Replace("\"default\": 600.00", $"\"default\": {baseRate.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}", StringComparison.Ordinal)
            .Replace("half_even", mode, StringComparison.Ordinal)
            .Replace("EXTRA", "", StringComparison.Ordinal));

        var quote = Quote(plan, frequency, days);

        Assert.Equal((decimal)premium, quote.Premium);
        Assert.Equal((decimal)baseRate * 1.5m, quote.Steps.Single(s => s.Name == "relativity_cap").RunningTotal);
    }

    // A vector of some driving: an empty one is not scored.
    internal static float[] Driving()
    {
        var features = new float[TelematicsFeatures.Schema.Count];
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = 120;
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 6;
        return features;
    }
}
