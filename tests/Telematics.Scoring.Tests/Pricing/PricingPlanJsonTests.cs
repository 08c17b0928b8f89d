using Telematics.Scoring.Pricing;
using Telematics.Scoring.Tests.Experiments;

namespace Telematics.Scoring.Tests.Pricing;

public sealed class PricingPlanJsonTests
{
    private const string Minimal = """
        {
          "name": "p", "currency": "EUR", "rounding": { "decimals": 2 },
          "base_rate": { "default": 500 },
          "risk_multiplier": { "kind": "exponential", "k": 0.5 }
        }
        """;

    [Theory]
    [InlineData("ubi-standard-2027.json")]
    [InlineData("ubi-category-bands.json")]
    [InlineData("ubi-piecewise.json")]
    public void Every_documented_example_plan_loads(string file)
    {
        var plan = PricingPlanJson.Load(Path.Combine(ExperimentJsonTests.RepositoryRoot(), "docs", "pricing", file));
        Assert.True(plan.RiskMultiplier.IsNonDecreasing);
    }

    [Fact]
    public void A_minimal_plan_defaults_to_half_even_with_no_mileage_or_discounts()
    {
        var plan = PricingPlanJson.Parse(Minimal);

        Assert.Equal(PremiumRoundingMode.HalfEven, plan.RoundingMode);
        Assert.Empty(plan.MileageBands);
        Assert.Empty(plan.Discounts);
        Assert.Null(plan.Floor);
        Assert.Equal(500m, PremiumCalculator.Calculate(plan, 50, 10_000, "anywhere", null).Premium);
    }

    [Theory]
    [InlineData("\"currency\": \"EUR\"", "\"currency\": \"euro\"", "currency", "ISO 4217")]
    [InlineData("\"decimals\": 2", "\"decimals\": 7", "rounding.decimals", "0–4")]
    [InlineData("\"decimals\": 2", "\"decimals\": 2, \"mode\": \"bankers\"", "rounding.mode", "half_even")]
    [InlineData("\"default\": 500", "\"default\": 0", "base_rate.default", "greater than 0")]
    [InlineData("\"default\": 500", "\"default\": 500, \"regions\": { \"FR-75\": -3 }", "base_rate.regions.FR-75", "greater than 0")]
    [InlineData("\"default\": 500", "\"default\": 500.12345", "base_rate.default", "more than 4 decimal places")]
    [InlineData("\"default\": 500", "\"default\": 500, \"regions\": { \"KW\": 90.00001 }", "base_rate.regions.KW", "more than 4 decimal places")]
    [InlineData("\"k\": 0.5", "\"k\": 9", "risk_multiplier.k", "−5 to 5")]
    [InlineData("\"kind\": \"exponential\", \"k\": 0.5", "\"kind\": \"cubic\"", "risk_multiplier.kind", "not one of")]
    [InlineData("\"kind\": \"exponential\", \"k\": 0.5", "\"kind\": \"piecewise_linear\", \"points\": [[0, 1], [0, 2]]", "risk_multiplier.points[1]", "ascending")]
    [InlineData("\"kind\": \"exponential\", \"k\": 0.5", "\"kind\": \"stepped\", \"bands\": [{ \"up_to_score\": 50, \"factor\": 1 }]", "risk_multiplier.bands[0].up_to_score", "reach 100")]
    [InlineData("\"kind\": \"exponential\", \"k\": 0.5", "\"kind\": \"category\", \"factors\": { \"excellent\": 1 }", "risk_multiplier.factors.good", "required")]
    [InlineData("\"k\": 0.5", "\"k\": 0.5, \"steepness\": 1", "risk_multiplier.steepness", "not a known property")]
    public void Invalid_plans_are_refused_with_the_field_named(string find, string replace, string field, string fragment)
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(Minimal.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"mileage_bands\": [{ \"up_to_km\": 5000, \"factor\": 0.8 }]", "mileage_bands[0].up_to_km", "open-ended")]
    [InlineData("\"mileage_bands\": [{ \"factor\": 0.8 }, { \"factor\": 1 }]", "mileage_bands[0].up_to_km", "only the last")]
    [InlineData("\"mileage_bands\": [{ \"up_to_km\": 5000, \"factor\": 0 }, { \"factor\": 1 }]", "mileage_bands[0].factor", "outside")]
    [InlineData("\"discounts\": [{ \"name\": \"d\", \"feature\": \"night_shares\", \"when\": \"<\", \"threshold\": 0.1, \"percent\": 5 }]", "discounts[0].feature", "not a feature")]
    [InlineData("\"discounts\": [{ \"name\": \"d\", \"feature\": \"night_share\", \"when\": \"=<\", \"threshold\": 0.1, \"percent\": 5 }]", "discounts[0].when", "not one of")]
    [InlineData("\"discounts\": [{ \"name\": \"d\", \"feature\": \"night_share\", \"when\": \"<\", \"threshold\": 0.1, \"percent\": 60 }, { \"name\": \"e\", \"feature\": \"night_share\", \"when\": \"<\", \"threshold\": 0.1, \"percent\": 50 }]", "discounts", "at most 100")]
    [InlineData("\"discounts\": [{ \"name\": \"d\", \"feature\": \"night_share\", \"when\": \"<\", \"threshold\": 0.1, \"percent\": 5, \"cap\": 0 }]", "discounts[0].cap", "greater than 0")]
    [InlineData("\"discounts\": [{ \"name\": \"d\", \"feature\": \"night_share\", \"when\": \"<\", \"percent\": 5 }]", "discounts[0].threshold", "is required")]
    [InlineData("\"floor\": 400, \"ceiling\": 300", "ceiling", "below the floor")]
    [InlineData("\"floor\": 400.125", "floor", "decimal places")]
    [InlineData("\"total_discount_cap_percent\": 120", "total_discount_cap_percent", "0–100")]
    [InlineData("\"flor\": 400", "flor", "not a known property")]
    public void Invalid_optional_parts_are_refused_with_the_field_named(string addition, string field, string fragment)
    {
        var json = Minimal.TrimEnd().TrimEnd('}') + ", " + addition + " }";
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse(json));
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_refused_as_the_document()
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse("{ \"name\": "));
        Assert.Equal("$", error.Field);
    }

    [Fact]
    public void A_missing_file_section_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"name\": \"p\" }");
        try
        {
            var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Load(path));
            Assert.Equal("currency", error.Field);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
