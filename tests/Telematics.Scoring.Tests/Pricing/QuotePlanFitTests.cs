using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;

using static Telematics.Scoring.Tests.Pricing.FrequencyRelativityTests;

namespace Telematics.Scoring.Tests.Pricing;

/// <summary>Whether a plan may price what a model serves: checked where they meet, and again on every quote for the version that scored.</summary>
public sealed class QuotePlanFitTests
{
    [Fact]
    public void A_plan_must_fit_what_the_served_model_outputs()
    {
        using var frequencyModel = Telematics.Scoring.Shipped.ShippedModel.Load();
        using var scoreModel = Telematics.Scoring.Packaging.ModelPackage.CreateBuiltIn();
        var relativityPlan = Parse();
        var scorePlan = PricingPlanJson.Parse("""
            { "name": "ubi-score", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" }, "base_rate": { "default": 600.00 },
              "risk_multiplier": { "kind": "exponential", "k": 0.6 } }
            """);

        relativityPlan.EnsureFits(frequencyModel);
        scorePlan.EnsureFits(scoreModel);
        var legacy = Assert.Throws<PricingPlanException>(() => scorePlan.EnsureFits(frequencyModel));
        var noFrequency = Assert.Throws<PricingPlanException>(() => relativityPlan.EnsureFits(scoreModel));

        // A score plan would price the shipped model's percentile and discard its frequency: refused, with the way out.
        Assert.Equal("risk_multiplier", legacy.Field);
        Assert.Contains("migrate the plan to telematics_relativity", legacy.Message, StringComparison.Ordinal);
        Assert.Contains(frequencyModel.ToString(), legacy.Message, StringComparison.Ordinal);
        Assert.Equal("telematics_relativity", noFrequency.Field);
    }

    [Fact]
    public void A_score_that_is_not_a_frequency_is_refused_by_a_relativity_plan_and_a_frequency_is_priced()
    {
        var features = Driving();
        var rules = ScoredBy(Telematics.Scoring.Packaging.ModelPackage.CreateBuiltIn(), features);
        var shipped = ScoredBy(Telematics.Scoring.Shipped.ShippedModel.Load(), features);

        var error = Assert.Throws<PricingPlanException>(() =>
            PremiumCalculator.Calculate(Parse(), rules.Score, ModelFrequency.Of(rules, features, 30), 12_000, null, TelematicsFeatures.Schema, features));
        var quote = PremiumCalculator.Calculate(Parse(), shipped.Score, ModelFrequency.Of(shipped, features, 30), 12_000, null, TelematicsFeatures.Schema, features);

        // A model promoted after the plan was checked must not have its score priced as a frequency.
        Assert.Equal(Telematics.Scoring.Packaging.ModelOutputKind.Score, rules.OutputKind);
        Assert.Equal("telematics_relativity", error.Field);
        Assert.Contains("builtin-rules@1", error.Message, StringComparison.Ordinal);
        Assert.Equal(Telematics.Scoring.Packaging.ModelOutputKind.Frequency, shipped.OutputKind);
        Assert.Contains(quote.Steps, step => step.Name == "frequency_relativity");
    }

    [Fact]
    public void Every_quote_checks_the_whole_plan_fit_of_the_version_that_scored_not_only_its_output()
    {
        var features = Driving();
        var shipped = ScoredBy(Telematics.Scoring.Shipped.ShippedModel.Load(), features);
        var rules = ScoredBy(Telematics.Scoring.Packaging.ModelPackage.CreateBuiltIn(), features);
        // Neither plan met these versions (as after a hot reload): only the quote can notice.
        var relativity = Parse(""", "prohibited_features": ["speeding_share"]""");
        var byScore = PricingPlanJson.Parse("""{ "name": "by-score", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 600.00 }, "risk_multiplier": { "kind": "exponential", "k": 0.6 }, "prohibited_features": ["night_share"] }""");
        var frequency = ModelFrequency.Of(shipped, features, 30);

        // Twice: the second answer comes from the per-version cache and still refuses.
        for (var i = 0; i < 2; i++)
        {
            var error = Assert.Throws<PricingPlanException>(() =>
                PremiumCalculator.Calculate(relativity, shipped.Score, frequency, 12_000, null, TelematicsFeatures.Schema, features));
            Assert.Equal("prohibited_features", error.Field);
            Assert.Contains($"'speeding_share' may not be priced under this plan, but model {frequency.Model} reads it", error.Message, StringComparison.Ordinal);
        }

        var scorePlan = Assert.Throws<PricingPlanException>(() =>
            PremiumCalculator.Calculate(byScore, rules.Score, ModelFrequency.Of(rules, features, 30), 12_000, null, TelematicsFeatures.Schema, features));
        Assert.Equal("prohibited_features", scorePlan.Field);
        Assert.Contains("builtin-rules@1", scorePlan.Message, StringComparison.Ordinal);
        Assert.Contains(PremiumCalculator.Calculate(Parse(), shipped.Score, frequency, 12_000, null, TelematicsFeatures.Schema, features).Steps, s => s.Name == "frequency_relativity");
    }

    [Fact]
    public void A_score_plan_given_a_model_frequency_prices_the_score_whatever_the_model_outputs()
    {
        using var rulesRegistry = Telematics.Scoring.Registry.ModelRegistry.ForPackage(Telematics.Scoring.Packaging.ModelPackage.CreateBuiltIn());
        var features = Driving();
        var rules = new Telematics.Scoring.Service.RiskScorer(rulesRegistry).Score(new Telematics.Scoring.Service.ScoreRequest { DriverId = "d1", Features = features });
        var plan = PricingPlanJson.Parse("""{ "name": "by-score", "currency": "EUR", "rounding": { "decimals": 2, "mode": "half_even" }, "base_rate": { "default": 600.00 }, "risk_multiplier": { "kind": "exponential", "k": 0.6 } }""");

        // One call serves either kind of plan: a score plan does not read the frequency, so a score model is no error.
        var quote = PremiumCalculator.Calculate(plan, rules.Score, ModelFrequency.Of(rules, features, 30), 12_000, null, TelematicsFeatures.Schema, features);

        Assert.Equal(PremiumCalculator.Calculate(plan, rules.Score, 12_000, null, TelematicsFeatures.Schema, features).Premium, quote.Premium);
        Assert.Contains(quote.Steps, step => step.Name == "risk_multiplier");
        Assert.DoesNotContain(quote.Steps, step => step.Name == "frequency_relativity");
    }

    [Fact]
    public void A_score_plan_refuses_the_frequency_of_a_known_frequency_model_and_prices_an_unknown_one_by_its_score()
    {
        var features = Driving();
        var shipped = ScoredBy(Telematics.Scoring.Shipped.ShippedModel.Load(), features);
        var plan = PricingPlanJson.Parse("""{ "name": "by-score", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 600.00 }, "risk_multiplier": { "kind": "exponential", "k": 0.6 } }""");

        // An SDK caller that did not check the plan against the version: the quote would price the frequency model's
        // percentile and discard its relativities. Twice: the second answer comes from the per-version cache.
        for (var i = 0; i < 2; i++)
        {
            var error = Assert.Throws<PricingPlanException>(() =>
                PremiumCalculator.Calculate(plan, shipped.Score, ModelFrequency.Of(shipped, features, 30), 12_000, null, TelematicsFeatures.Schema, features));
            Assert.Equal("risk_multiplier", error.Field);
            Assert.Contains(shipped.ModelName, error.Message, StringComparison.Ordinal);
        }

        // A frequency that does not say which version made it is not read: the score is priced, as before.
        var unknown = PremiumCalculator.Calculate(plan, shipped.Score, new ModelFrequency(0.1, 30), 12_000, null, TelematicsFeatures.Schema, features);
        Assert.Equal(PremiumCalculator.Calculate(plan, shipped.Score, 12_000, null, TelematicsFeatures.Schema, features).Premium, unknown.Premium);
    }

    [Fact]
    public void The_fit_a_quote_remembers_is_for_the_name_and_the_kind_together_and_an_unnamed_version_is_checked_each_time()
    {
        var features = Driving();
        var plan = PricingPlanJson.Parse("""{ "name": "by-score", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 600.00 }, "risk_multiplier": { "kind": "exponential", "k": 0.6 } }""");
        string[] reads = [TelematicsFeatures.DistanceKm];
        PremiumQuote Quote(string? model, Telematics.Scoring.Packaging.ModelOutputKind kind) =>
            PremiumCalculator.Calculate(plan, 50, new ModelFrequency(0.1, 30) { Model = model, OutputKind = kind, ModelFeatures = reads }, 12_000, null, TelematicsFeatures.Schema, features);

        foreach (var model in new[] { null, "m@1" })
        {
            // A score model's answer first, then the same name said to output a frequency: not the first answer again.
            Assert.Contains(Quote(model, Telematics.Scoring.Packaging.ModelOutputKind.Probability).Steps, step => step.Name == "risk_multiplier");
            Assert.Equal("risk_multiplier", Assert.Throws<PricingPlanException>(() => Quote(model, Telematics.Scoring.Packaging.ModelOutputKind.Frequency)).Field);
        }

        // The same name and kind said to read another feature, one the plan prohibits: not the first answer again either.
        var prohibiting = PricingPlanJson.Parse("""{ "name": "by-score", "currency": "EUR", "rounding": { "decimals": 2 }, "base_rate": { "default": 600.00 }, "risk_multiplier": { "kind": "exponential", "k": 0.6 }, "prohibited_features": ["night_share"] }""");
        PremiumQuote Reading(string[] read) => PremiumCalculator.Calculate(prohibiting, 50,
            new ModelFrequency(0.1, 30) { Model = "m@2", OutputKind = Telematics.Scoring.Packaging.ModelOutputKind.Probability, ModelFeatures = read }, 12_000, null, TelematicsFeatures.Schema, features);
        Assert.NotNull(Reading([]));
        Assert.Equal("prohibited_features", Assert.Throws<PricingPlanException>(() => Reading([TelematicsFeatures.NightShare])).Field);
    }

    // One driver scored by one model alone over a 30-day window, as a quote receives the score.
    private static Telematics.Scoring.Results.RiskScore ScoredBy(Telematics.Scoring.Packaging.ModelPackage package, float[] features)
    {
        using var registry = Telematics.Scoring.Registry.ModelRegistry.ForPackage(package);
        return new Telematics.Scoring.Service.RiskScorer(registry).Score(
            new Telematics.Scoring.Service.ScoreRequest { DriverId = "d1", Features = features, ObservedDays = 30, IncludeContributions = false });
    }
}
