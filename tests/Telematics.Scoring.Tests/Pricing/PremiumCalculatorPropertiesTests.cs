using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;

namespace Telematics.Scoring.Tests.Pricing;

public sealed class PremiumCalculatorPropertiesTests
{
    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Premium_never_falls_as_the_risk_score_rises(Case c, Score other)
    {
        var (low, high) = c.Score <= other.Value ? (c.Score, other.Value) : (other.Value, c.Score);
        var lowPremium = PremiumCalculator.Calculate(c.Plan, low, c.AnnualKm, c.Region, c.Features).Premium;
        var highPremium = PremiumCalculator.Calculate(c.Plan, high, c.AnnualKm, c.Region, c.Features).Premium;
        return (lowPremium <= highPremium).Label($"{low} → {lowPremium}, {high} → {highPremium}");
    }

    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Premium_never_falls_as_the_annual_distance_rises(Case c, Distance other)
    {
        var (low, high) = c.AnnualKm <= other.Km ? (c.AnnualKm, other.Km) : (other.Km, c.AnnualKm);
        var lowPremium = PremiumCalculator.Calculate(c.Plan, c.Score, low, c.Region, c.Features).Premium;
        var highPremium = PremiumCalculator.Calculate(c.Plan, c.Score, high, c.Region, c.Features).Premium;
        return (lowPremium <= highPremium).Label($"{low} km → {lowPremium}, {high} km → {highPremium}");
    }

    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Premium_lies_between_floor_and_ceiling_at_the_stated_decimals(Case c)
    {
        var premium = PremiumCalculator.Calculate(c.Plan, c.Score, c.AnnualKm, c.Region, c.Features).Premium;
        return (premium >= (c.Plan.Floor ?? 0m)
                && premium <= (c.Plan.Ceiling ?? decimal.MaxValue)
                && decimal.Round(premium, c.Plan.Decimals) == premium).Label($"premium {premium}");
    }

    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Breakdown_steps_replay_to_every_running_total_and_the_premium(Case c)
    {
        var quote = PremiumCalculator.Calculate(c.Plan, c.Score, c.AnnualKm, c.Region, c.Features);
        var total = 0m;
        var consistent = quote.Steps[0].Kind == PremiumStepKind.Base;
        foreach (var step in quote.Steps)
        {
            total = step.Kind switch
            {
                PremiumStepKind.Base => step.Value,
                PremiumStepKind.Multiply => total * step.Value,
                _ => total + step.Value,
            };
            consistent &= total == step.RunningTotal;
        }

        return (consistent && total == quote.Premium).Label(string.Join("; ", quote.Steps.Select(s => $"{s.Name} {s.Value} → {s.RunningTotal}")));
    }

    [Property(Arbitrary = [typeof(Arbitraries)])]
    public Property Total_discount_never_exceeds_the_cap(Case c)
    {
        var quote = PremiumCalculator.Calculate(c.Plan, c.Score, c.AnnualKm, c.Region, c.Features);
        var beforeDiscounts = quote.Steps.Last(s => s.Kind != PremiumStepKind.Add).RunningTotal;
        var discount = quote.Steps.Where(s => s.Name.StartsWith("discount", StringComparison.Ordinal)).Sum(s => -s.Value);
        var cap = c.Plan.TotalDiscountCapPercent is { } percent ? beforeDiscounts * percent / 100m : beforeDiscounts;
        return (discount >= 0 && discount <= cap).Label($"discount {discount}, cap {cap}");
    }

    public sealed record Case(PricingPlan Plan, double Score, double AnnualKm, string? Region, IReadOnlyDictionary<string, double> Features)
    {
        public override string ToString() =>
            $"plan {Plan.RiskMultiplier.Describe()}, {Plan.Decimals} dp {Plan.RoundingMode}, floor {Plan.Floor}, ceiling {Plan.Ceiling}; score {Score}, {AnnualKm} km, region {Region}, "
            + string.Join(", ", Features.Select(f => $"{f.Key}={f.Value}"));
    }

    public sealed record Score(double Value);

    public sealed record Distance(double Km);

    public static class Arbitraries
    {
        private static readonly string[] DiscountFeatures =
            [TelematicsFeatures.NightShare, TelematicsFeatures.PhoneMovingShare, TelematicsFeatures.SpeedingShare];

        private static Gen<double> Unit => Gen.Choose(0, 10_000).Select(i => i / 10_000.0);

        private static Gen<decimal> Factor => Gen.Choose(10, 3_000).Select(i => i / 1_000m);

        private static Gen<RiskMultiplier> Multiplier =>
            Gen.OneOf(
                Gen.Choose(0, 300).Select(k => (RiskMultiplier)new ExponentialRiskMultiplier(k / 100.0)),
                Gen.Choose(0, 100).ArrayOf(4).Zip(Factor.ArrayOf(4)).Select(p =>
                {
                    var scores = p.Item1.Distinct().Order().ToArray();
                    var factors = p.Item2.Order().Take(scores.Length);
                    return scores.Length < 2
                        ? new ExponentialRiskMultiplier(0.5)
                        : (RiskMultiplier)new PiecewiseLinearRiskMultiplier(scores.Zip(factors, (s, f) => ((double)s, f)));
                }),
                Gen.Choose(0, 99).ArrayOf(3).Zip(Factor.ArrayOf(4)).Select(p =>
                {
                    var bounds = p.Item1.Distinct().Order().Select(b => (double)b).Append(100).ToArray();
                    var factors = p.Item2.Order().Take(bounds.Length);
                    return (RiskMultiplier)new SteppedRiskMultiplier(bounds.Zip(factors, (b, f) => (b, f)));
                }));

        private static Gen<MileageBand[]> Mileage =>
            Gen.Choose(1, 60_000).ArrayOf(3).Zip(Factor.ArrayOf(4)).Select(p =>
            {
                var bounds = p.Item1.Distinct().Order().ToArray();
                var factors = p.Item2.Order().ToArray();
                return bounds.Select((b, i) => new MileageBand(b, factors[i]))
                    .Append(new MileageBand(null, factors[bounds.Length])).ToArray();
            });

        private static Gen<DiscountRule[]> Discounts =>
            Gen.Choose(0, 3).SelectMany(n =>
                Gen.Choose(1, 33).Zip(Unit).Zip(Gen.OneOf(Gen.Constant<decimal?>(null), Gen.Choose(1, 200).Select(c => (decimal?)c)))
                    .ArrayOf(n)
                    .Select(rules => rules.Select((r, i) => new DiscountRule(
                        $"d{i}", DiscountFeatures[i], DiscountComparison.LessThanOrEqual, r.Item1.Item2, r.Item1.Item1, r.Item2)).ToArray()));

        private static Gen<PricingPlan> Plans =>
            from multiplier in Multiplier
            from mileage in Mileage
            from discounts in Discounts
            from decimals in Gen.Choose(0, 2)
            from mode in Gen.Elements(PremiumRoundingMode.HalfEven, PremiumRoundingMode.HalfUp, PremiumRoundingMode.Up, PremiumRoundingMode.Down)
            from totalCap in Gen.OneOf(Gen.Constant<decimal?>(null), Gen.Choose(0, 100).Select(c => (decimal?)c))
            from floor in Gen.OneOf(Gen.Constant<decimal?>(null), Gen.Choose(0, 800).Select(f => (decimal?)f))
            from ceilingAbove in Gen.OneOf(Gen.Constant<decimal?>(null), Gen.Choose(0, 3_000).Select(c => (decimal?)c))
            select new PricingPlan("generated", "EUR", decimals, mode, 600m,
                new Dictionary<string, decimal> { ["R1"] = 450.55m, ["R2"] = 1_234.5m },
                multiplier, mileage, discounts, totalCap, floor, ceilingAbove + (floor ?? 0m));

        public static Arbitrary<Case> Cases() =>
            (from plan in Plans
             from score in Gen.Choose(0, 10_000).Select(s => s / 100.0)
             from km in Gen.Choose(0, 80_000).Select(k => (double)k)
             from region in Gen.Elements<string?>(null, "R1", "R2", "elsewhere")
             from values in Unit.ArrayOf(DiscountFeatures.Length)
             select new Case(plan, score, km, region, DiscountFeatures.Select((f, i) => (f, values[i])).ToDictionary(x => x.f, x => x.Item2)))
            .ToArbitrary();

        public static Arbitrary<Score> Scores() => Gen.Choose(0, 10_000).Select(s => new Score(s / 100.0)).ToArbitrary();

        public static Arbitrary<Distance> Distances() => Gen.Choose(0, 80_000).Select(k => new Distance(k)).ToArbitrary();
    }
}
