using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Tests.Experiments;

namespace Telematics.Scoring.Tests.Pricing;

public sealed class ClassicalRelativitiesTests
{
    private const string Plan = """
        {
          "name": "ubi-cells", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" },
          "base_rate": { "default": 600.00, "regions": { "FR-75": 800.00 } },
          "classical_relativities": {
            "age_band": { "under25": 2.0, "25_39": 1.1, "40_64": 0.9, "over65": 1.05 },
            "vehicle_class": { "small": 0.95, "family": 1.0, "suv": 1.1, "performance": 1.5 }
          },
          "telematics_relativity": {
            "book_mean_frequency": 0.1,
            "cell_mean_frequency": { "*/under25/*": 0.16, "*/under25/performance": 0.2, "FR-75/under25/*": 0.18, "FR-75/*/*": 0.12 },
            "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50
          }
        }
        """;

    private static readonly float[] NoFeatures = new float[TelematicsFeatures.Schema.Count];

    private static PremiumQuote Quote(PricingPlan plan, double frequency, double days, RatingCell cell) =>
        PremiumCalculator.Calculate(plan, 50, new ModelFrequency(frequency, days), 12_000, cell, TelematicsFeatures.Schema, NoFeatures);

    [Fact]
    public void The_breakdown_goes_base_rate_age_vehicle_telematics_credibility_cap_and_replays_exactly()
    {
        var plan = PricingPlanJson.Parse(Plan);

        // 800 × 2.0 × 1.5; λ 0.05 / cell mean 0.18 (FR-75/under25/* beats */under25/performance: the region comes first) = 0.277778.
        var quote = Quote(plan, 0.05, 365, new RatingCell("FR-75", "under25", "performance"));

        Assert.Equal(["base_rate", "age_relativity", "vehicle_relativity", "frequency_relativity", "credibility", "relativity_cap", "rounding"], quote.Steps.Select(s => s.Name));
        Assert.Equal([800m, 2.0m, 1.5m, 0.277778m], quote.Steps.Take(4).Select(s => s.Value));
        Assert.Contains("age band under25", quote.Steps[1].Detail, StringComparison.Ordinal);
        Assert.Contains("mean of cell FR-75/under25/* 0.18", quote.Steps[3].Detail, StringComparison.Ordinal);
        // Capped at 30 % off the classical price 2,400.
        Assert.Equal(1680.00m, quote.Premium);
        var total = 0m;
        foreach (var step in quote.Steps)
        {
            total = step.Kind switch { PremiumStepKind.Base => step.Value, PremiumStepKind.Multiply => total * step.Value, _ => total + step.Value };
            Assert.Equal(step.RunningTotal, total);
        }
    }

    [Theory]
    [InlineData("FR-75", "under25", "small", 0.18, "FR-75/under25/*")]
    [InlineData("FR-13", "under25", "performance", 0.2, "*/under25/performance")]
    [InlineData("FR-13", "under25", "small", 0.16, "*/under25/*")]
    [InlineData("FR-75", "40_64", "suv", 0.12, "FR-75/*/*")]
    [InlineData("FR-75", null, null, 0.12, "FR-75/*/*")]
    [InlineData("FR-13", "40_64", "family", 0.1, "book")]
    [InlineData(null, null, "performance", 0.1, "book")]
    public void The_most_specific_cell_listed_gives_the_mean_and_coarser_cells_and_the_book_are_the_fallbacks(
        string? region, string? ageBand, string? vehicleClass, double mean, string source)
    {
        var relativity = PricingPlanJson.Parse(Plan).Relativity!;

        Assert.Equal(mean, relativity.MeanFrequencyFor(new RatingCell(region, ageBand, vehicleClass), out var used));
        Assert.Equal(source, used);
    }

    [Fact]
    public void A_driver_at_the_mean_of_their_cell_pays_the_classical_price_of_the_cell()
    {
        var quote = Quote(PricingPlanJson.Parse(Plan), 0.16, 365, new RatingCell("FR-13", "under25", "small"));

        // 600 × 2.0 × 0.95: the model's under-25 signal that only repeats the age band is not priced again.
        Assert.Equal(1140.00m, quote.Premium);
        Assert.Equal(1m, quote.Steps[3].Value);
    }

    [Fact]
    public void A_driver_without_age_band_or_vehicle_class_gets_factor_one_and_the_step_says_why()
    {
        var quote = Quote(PricingPlanJson.Parse(Plan), 0.1, 365, new RatingCell(null, null, null));

        Assert.Equal(600.00m, quote.Premium);
        Assert.Equal("no age band on record → factor 1", quote.Steps[1].Detail);
        Assert.Equal("no vehicle class on record → factor 1", quote.Steps[2].Detail);
    }

    [Fact]
    public void Score_plans_apply_classical_relativities_too()
    {
        var plan = PricingPlanJson.Parse("""
            { "name": "score", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 500 },
              "risk_multiplier": { "kind": "exponential", "k": 0 },
              "classical_relativities": { "age_band": { "over65": 1.2 } } }
            """);

        var quote = PremiumCalculator.Calculate(plan, 50, 10_000, new RatingCell(null, "over65", "suv"), TelematicsFeatures.Schema, NoFeatures);

        Assert.Equal(["base_rate", "age_relativity", "risk_multiplier", "rounding"], quote.Steps.Select(s => s.Name));
        Assert.Equal(600.00m, quote.Premium);
    }

    [Fact]
    public void A_plan_without_classical_relativities_prices_a_cell_as_its_region()
    {
        var plan = PricingPlanJson.Parse("""
            { "name": "old", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 500, "regions": { "FR-75": 700 } },
              "telematics_relativity": { "book_mean_frequency": 0.1, "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 } }
            """);

        var byCell = Quote(plan, 0.08, 90, new RatingCell("FR-75", "under25", "performance"));
        var byRegion = PremiumCalculator.Calculate(plan, 50, new ModelFrequency(0.08, 90), 12_000, "FR-75", TelematicsFeatures.Schema, NoFeatures);

        Assert.Equal(byRegion.Premium, byCell.Premium);
        Assert.Equal(byRegion.Steps.Select(s => s.Name), byCell.Steps.Select(s => s.Name));
        Assert.Null(plan.Classical);
    }

    [Theory]
    [InlineData("\"classical_relativities\": { \"age_band\": { \"teen\": 1.5 } }", "classical_relativities.age_band.teen", "'teen' is not an age band (one of under25, 25_39, 40_64, over65)")]
    [InlineData("\"classical_relativities\": { \"age_band\": { \"under25\": 0 } }", "classical_relativities.age_band.under25", "0 is outside (0, 100]")]
    [InlineData("\"classical_relativities\": { \"vehicle_class\": { \"Small\": 1 } }", "classical_relativities.vehicle_class.Small", "'Small' is not a vehicle class")]
    [InlineData("\"classical_relativities\": { \"vehicle_class\": { \"suv\": 101 } }", "classical_relativities.vehicle_class.suv", "101 is outside (0, 100]")]
    [InlineData("\"classical_relativities\": { \"age\": { \"suv\": 1 } }", "classical_relativities.age", "")]
    public void Invalid_classical_relativities_are_refused_naming_the_field(string json, string field, string problem)
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse($$"""
            { "name": "p", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 500 },
              "risk_multiplier": { "kind": "exponential", "k": 0 }, {{json}} }
            """));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"FR-75/under25\": 0.2", "telematics_relativity.cell_mean_frequency.FR-75/under25", "is not a cell key")]
    [InlineData("\"*/young/*\": 0.2", "telematics_relativity.cell_mean_frequency.*/young/*", "'young' is not an age band")]
    [InlineData("\"*/*/truck\": 0.2", "telematics_relativity.cell_mean_frequency.*/*/truck", "'truck' is not a vehicle class")]
    [InlineData("\"*/*/*\": 0.2", "telematics_relativity.cell_mean_frequency.*/*/*", "book_mean_frequency")]
    [InlineData("\"*/under25/*\": 0", "telematics_relativity.cell_mean_frequency.*/under25/*", "is not a claim frequency")]
    [InlineData("\"FR-75/*/*\": 0.2", "telematics_relativity.cell_mean_frequency.FR-75/*/*", "is given twice")]
    public void Invalid_cell_means_are_refused_naming_the_cell(string cells, string field, string problem)
    {
        var error = Assert.Throws<PricingPlanException>(() => PricingPlanJson.Parse($$"""
            { "name": "p", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 500 },
              "telematics_relativity": { "book_mean_frequency": 0.1, "region_mean_frequency": { "fr-75": 0.12 }, "cell_mean_frequency": { {{cells}} },
                "credibility_days": 60, "max_discount_percent": 30, "max_surcharge_percent": 50 } }
            """));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_relativity_plan_carries_the_shipped_models_cell_means_and_classical_relativities()
    {
        var root = ExperimentJsonTests.RepositoryRoot();
        var demo = PricingPlanJson.Load(Path.Combine(root, "docs", "pricing", "ubi-relativity-2027.json"));
        var fragment = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(root, "docs", "training", "report.plan.json")))!;

        foreach (var (code, factor) in fragment["classical_relativities"]!["age_band"]!.AsObject())
        {
            Assert.Equal(factor!.GetValue<decimal>(), demo.Classical!.AgeBands[code]);
        }

        foreach (var (code, factor) in fragment["classical_relativities"]!["vehicle_class"]!.AsObject())
        {
            Assert.Equal(factor!.GetValue<decimal>(), demo.Classical!.VehicleClasses[code]);
        }

        var cells = fragment["telematics_relativity"]!["cell_mean_frequency"]!.AsObject();
        Assert.Equal(cells.Count, demo.Relativity!.CellMeanFrequencies.Count);
        foreach (var (cell, mean) in cells)
        {
            Assert.Equal(mean!.GetValue<double>(), demo.Relativity.CellMeanFrequencies[cell]);
        }

        Assert.Equal(fragment["telematics_relativity"]!["book_mean_frequency"]!.GetValue<double>(), demo.Relativity.BookMeanFrequency);
        // A driver with no classical factors on record is priced as before the cells existed: factor 1, the book mean.
        Assert.Equal(demo.Relativity.BookMeanFrequency, demo.Relativity.MeanFrequencyFor(new RatingCell("FR-75", null, null), out var source));
        Assert.Equal("book", source);
    }
}
