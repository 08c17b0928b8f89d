using System.Globalization;
using Telematics.Features.Schema;

namespace Telematics.Scoring.Pricing;

/// <summary>Prices an annual premium from a plan, a risk score, annualised distance, region and feature values.</summary>
/// <remarks>
/// <para>
/// Order of steps: base rate of the region (or the default) × the classical relativities of the age band and vehicle
/// class (when the plan has them) × risk multiplier (or the frequency relativity with credibility and cap) × mileage factor; then each
/// applicable discount, a percentage of that pre-discount premium capped at its amount; then, if the
/// discounts exceed the plan's total cap, an add-back down to the cap; then rounding to the plan's decimal
/// places; then the floor or the ceiling. Arithmetic is exact <see cref="decimal"/> throughout, so the steps
/// replay to the premium exactly.
/// </para>
/// <para>
/// With a non-decreasing risk multiplier and non-decreasing mileage factors the premium never falls as the
/// score or the distance rises (discount percentages sum to at most 100 %, and rounding, floor and
/// ceiling are monotone). All members are pure and thread-safe.
/// </para>
/// </remarks>
public static class PremiumCalculator
{
    /// <summary>The distance of a period scaled to a year, what a plan's mileage bands price: <c>km · 365 / days</c>.</summary>
    /// <remarks>
    /// A policy year of 365 days, as the documented examples (60 km over 2 days = 10,950 km a year) and the bands' edges
    /// read; not <see cref="TelematicsFeaturesV2.DaysPerYear"/> (365.25), the scale the models' <c>annual_km</c> input was
    /// trained on, which must not move. A relativity plan whose model reads distance may not have mileage bands
    /// (<see cref="PricingPlan.RefuseDoubleCounting"/>), so there the two never price the same distance.
    /// </remarks>
    /// <param name="periodKm">Distance driven in the period, km; a negative value counts as 0.</param>
    /// <param name="periodDays">Length of the period, days; anything under one hour counts as one hour.</param>
    /// <returns>Annualised km, ≥ 0 (NaN when <paramref name="periodKm"/> is NaN).</returns>
    public static double AnnualiseKm(double periodKm, double periodDays) =>
        Math.Max(0, periodKm) * 365.0 / Math.Max(periodDays, 1.0 / 24);

    /// <summary>Prices a premium with feature values given by name.</summary>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="score">Risk score, 0–100 (higher is riskier).</param>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    /// <param name="region">Region code for the base rate, or <see langword="null"/> for the plan's default.</param>
    /// <param name="features">Feature values by name for discount conditions; a missing or NaN value does not earn its discount.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is outside 0–100 or NaN, or <paramref name="annualKm"/> is negative or not finite.</exception>
    public static PremiumQuote Calculate(PricingPlan plan, double score, double annualKm, string? region, IReadOnlyDictionary<string, double>? features)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var values = new double[plan.Discounts.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = features is not null && features.TryGetValue(plan.Discounts[i].Feature, out var value) ? value : double.NaN;
        }

        return Calculate(plan, score, annualKm, RatingCell.OfRegion(region), values);
    }

    /// <summary>Prices a premium with feature values given as a vector of <paramref name="schema"/>.</summary>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="score">Risk score, 0–100 (higher is riskier).</param>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    /// <param name="region">Region code for the base rate, or <see langword="null"/> for the plan's default.</param>
    /// <param name="schema">Schema of <paramref name="features"/>.</param>
    /// <param name="features">Feature vector in schema order; a feature the schema lacks, or NaN, does not earn its discount.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The score or distance is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> is not as long as the schema.</exception>
    public static PremiumQuote Calculate(PricingPlan plan, double score, double annualKm, string? region, FeatureSchema schema, ReadOnlySpan<float> features) =>
        Calculate(plan, score, annualKm, RatingCell.OfRegion(region), DiscountValues(plan, schema, features));

    /// <summary>Prices a premium with a score plan for a driver of a classical cell (region, age band, vehicle class).</summary>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="score">Risk score, 0–100 (higher is riskier).</param>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    /// <param name="cell">The driver's region (base rate), age band and vehicle class (the plan's classical relativities).</param>
    /// <param name="schema">Schema of <paramref name="features"/>.</param>
    /// <param name="features">Feature vector in schema order, for discount conditions.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The score or distance is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> is not as long as the schema.</exception>
    public static PremiumQuote Calculate(PricingPlan plan, double score, double annualKm, RatingCell cell, FeatureSchema schema, ReadOnlySpan<float> features) =>
        Calculate(plan, score, annualKm, cell, DiscountValues(plan, schema, features));

    /// <summary>Prices a premium for a model's frequency: with a <see cref="PricingPlan.Relativity"/> plan the frequency is priced as a relativity; otherwise the score is, as in the other overloads.</summary>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="score">Risk score, 0–100 (shown in the breakdown).</param>
    /// <param name="frequency">The model's annual frequency and the days it rests on.</param>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    /// <param name="region">Region code for the base rate, or <see langword="null"/> for the plan's default.</param>
    /// <param name="schema">Schema of <paramref name="features"/>.</param>
    /// <param name="features">Feature vector in schema order, for discount conditions.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The score, distance or frequency is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> is not as long as the schema.</exception>
    /// <exception cref="PricingPlanException">A relativity plan was given an output that is not a claim frequency (<see cref="ModelFrequency.OutputKind"/>).</exception>
    public static PremiumQuote Calculate(PricingPlan plan, double score, ModelFrequency frequency, double annualKm, string? region, FeatureSchema schema, ReadOnlySpan<float> features) =>
        Calculate(plan, score, frequency, annualKm, RatingCell.OfRegion(region), schema, features);

    /// <summary>
    /// Prices a premium for a model's frequency and a driver's classical cell: base rate of the region, × the plan's age
    /// band and vehicle class relativities, × the frequency relativity to the mean λ of the cell (with credibility and caps).
    /// A plan without <see cref="PricingPlan.Relativity"/> prices the score instead and does not read the frequency, so one
    /// call serves either kind of plan.
    /// </summary>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="score">Risk score, 0–100 (shown in the breakdown).</param>
    /// <param name="frequency">The model's annual frequency and the days it rests on.</param>
    /// <param name="annualKm">Annualised distance, km, finite and ≥ 0.</param>
    /// <param name="cell">The driver's region, age band and vehicle class; unknown parts take the plan's defaults.</param>
    /// <param name="schema">Schema of <paramref name="features"/>.</param>
    /// <param name="features">Feature vector in schema order, for discount conditions.</param>
    /// <returns>The premium and its breakdown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The score, distance or frequency is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="features"/> is not as long as the schema.</exception>
    /// <exception cref="PricingPlanException">A relativity plan was given an output that is not a claim frequency, or the version that scored (<see cref="ModelFrequency.ModelFeatures"/> known) does not fit the plan (<see cref="PricingPlan.EnsureFits(string, Packaging.ModelOutputKind, IReadOnlyList{string})"/>).</exception>
    public static PremiumQuote Calculate(PricingPlan plan, double score, ModelFrequency frequency, double annualKm, RatingCell cell, FeatureSchema schema, ReadOnlySpan<float> features)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Relativity is null)
        {
            // A score plan prices the score and does not read the frequency. When the version that scored is known, the
            // whole fit holds for it, as every caller checked it: its prohibited features, and that it is not a
            // frequency model whose relativities the score would discard (a hot reload may serve one the plan never met).
            // Unknown, only the score is priced: OutputKind then is the record's default, not what a model said.
            if (frequency.ModelFeatures is { } read)
            {
                EnsureFits(plan, frequency, read);
            }

            return Calculate(plan, score, annualKm, cell, DiscountValues(plan, schema, features));
        }

        // The plan's own rule of what it can price (a relativity plan: a claim frequency), and, when the version that
        // scored is known, the whole fit for it: a hot-reloaded version may read a prohibited or discounted feature.
        if (frequency.ModelFeatures is { } modelFeatures)
        {
            EnsureFits(plan, frequency, modelFeatures);
        }
        else
        {
            plan.EnsurePrices(frequency.OutputKind, frequency.Model ?? PricingPlan.Unnamed);
        }

        if (!double.IsFinite(frequency.AnnualFrequency) || frequency.AnnualFrequency < 0 || !double.IsFinite(frequency.ObservedDays) || frequency.ObservedDays < 0
            || !(frequency.CredibilityWeight is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The model frequency and observed days must be finite and ≥ 0.");
        }

        return Calculate(plan, score, annualKm, cell, DiscountValues(plan, schema, features), frequency);
    }

    private static void EnsureFits(PricingPlan plan, ModelFrequency frequency, IReadOnlyList<string> read)
    {
        if (frequency.Model is { } model)
        {
            plan.EnsureFits(model, frequency.OutputKind, read);
        }
        else
        {
            plan.EnsureFitsUnnamed(frequency.OutputKind, read);
        }
    }

    private static double[] DiscountValues(PricingPlan plan, FeatureSchema schema, ReadOnlySpan<float> features)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(schema);
        if (features.Length != schema.Count)
        {
            throw new ArgumentException($"The feature vector has {features.Length} values but schema {schema} has {schema.Count} features.", nameof(features));
        }

        var values = new double[plan.Discounts.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = schema.TryGetIndex(plan.Discounts[i].Feature, out var index) ? AsWritten(features[index]) : double.NaN;
        }

        return values;
    }

    // A stored night share of 0.05 is the float 0.0500000007, which a rule "≤ 0.05" would refuse although the driver's
    // figure reads 0.05 everywhere it is shown. What a float means is its shortest round-trip text (0.05; the next float
    // above 1 is 1.0000001, still above 1), read back as a double. NaN and infinities are taken as they are.
    private static double AsWritten(float value)
    {
        Span<char> text = stackalloc char[32];
        return float.IsFinite(value) && value.TryFormat(text, out var written, default, CultureInfo.InvariantCulture)
            ? double.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture)
            : value;
    }

    private static PremiumQuote Calculate(PricingPlan plan, double score, double annualKm, RatingCell cell, double[] discountValues, ModelFrequency? frequency = null)
    {
        if (plan.Relativity is not null && frequency is null)
        {
            throw new ArgumentException($"Plan {plan.Name} prices the model's claim frequency (telematics_relativity); a score alone cannot be priced with it.", nameof(score));
        }

        if (double.IsNaN(score) || score is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "A risk score must lie within 0–100.");
        }

        if (!double.IsFinite(annualKm) || annualKm < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(annualKm), annualKm, "Annualised distance must be finite and ≥ 0 km.");
        }

        var steps = new List<PremiumStep>(8 + discountValues.Length);
        var total = plan.BaseRateFor(cell.Region, out var matched);
        steps.Add(new PremiumStep("base_rate", PremiumStepKind.Base, total, total,
            matched ? $"base rate of region {cell.Region}" : "default base rate"));

        if (plan.Classical is { } classical)
        {
            total = classical.Apply(total, cell, steps);
        }

        if (plan.Relativity is { } relativity)
        {
            total = relativity.Apply(total, frequency!.Value, cell, steps);
        }
        else
        {
            var riskFactor = plan.RiskMultiplier.FactorAt(score);
            total *= riskFactor;
            steps.Add(new PremiumStep("risk_multiplier", PremiumStepKind.Multiply, riskFactor, total,
                string.Create(CultureInfo.InvariantCulture, $"score {score:0.##} → factor {riskFactor} ({plan.RiskMultiplier.Describe()})")));
        }

        if (plan.MileageBands.Count > 0)
        {
            var mileageFactor = plan.MileageFactorFor(annualKm);
            total *= mileageFactor;
            steps.Add(new PremiumStep("mileage", PremiumStepKind.Multiply, mileageFactor, total,
                string.Create(CultureInfo.InvariantCulture, $"{annualKm:0} km a year → factor {mileageFactor}")));
        }

        var beforeDiscounts = total;
        var discountSum = 0m;
        for (var i = 0; i < discountValues.Length; i++)
        {
            var rule = plan.Discounts[i];
            if (!rule.AppliesTo(discountValues[i]))
            {
                continue;
            }

            var amount = beforeDiscounts * rule.Percent / 100m;
            var capped = rule.CapAmount is { } cap && amount > cap;
            if (capped)
            {
                amount = rule.CapAmount!.Value;
            }

            discountSum += amount;
            total -= amount;
            steps.Add(new PremiumStep($"discount:{rule.Name}", PremiumStepKind.Add, -amount, total,
                capped
                    ? string.Create(CultureInfo.InvariantCulture, $"{rule.Feature} = {discountValues[i]:0.####} {Symbol(rule.Comparison)} {rule.Threshold} → {rule.Percent} %, capped at {rule.CapAmount}")
                    : string.Create(CultureInfo.InvariantCulture, $"{rule.Feature} = {discountValues[i]:0.####} {Symbol(rule.Comparison)} {rule.Threshold} → {rule.Percent} %")));
        }

        if (plan.TotalDiscountCapPercent is { } capPercent && discountSum > beforeDiscounts * capPercent / 100m)
        {
            var addBack = discountSum - (beforeDiscounts * capPercent / 100m);
            total += addBack;
            steps.Add(new PremiumStep("discount_cap", PremiumStepKind.Add, addBack, total,
                string.Create(CultureInfo.InvariantCulture, $"total discount limited to {capPercent} % of {beforeDiscounts:0.##}")));
        }

        var rounding = DescribeRounding(plan);
        var rounded = decimal.Round(total, plan.Decimals, ToMidpointRounding(plan.RoundingMode));
        steps.Add(new PremiumStep("rounding", PremiumStepKind.Add, rounded - total, rounded, rounding));
        total = rounded;

        if (plan.Floor is { } floor && total < floor)
        {
            steps.Add(new PremiumStep("floor", PremiumStepKind.Add, floor - total, floor, string.Create(CultureInfo.InvariantCulture, $"raised to the floor {floor}")));
            total = floor;
        }
        else if (plan.Ceiling is { } ceiling && total > ceiling)
        {
            steps.Add(new PremiumStep("ceiling", PremiumStepKind.Add, ceiling - total, ceiling, string.Create(CultureInfo.InvariantCulture, $"lowered to the ceiling {ceiling}")));
            total = ceiling;
        }

        return new PremiumQuote(plan.Name, plan.Currency, total, steps, rounding);
    }

    private static string DescribeRounding(PricingPlan plan) => plan.RoundingMode switch
    {
        PremiumRoundingMode.HalfEven => string.Create(CultureInfo.InvariantCulture, $"{plan.Decimals} decimal places, half-even"),
        PremiumRoundingMode.HalfUp => string.Create(CultureInfo.InvariantCulture, $"{plan.Decimals} decimal places, half-up"),
        PremiumRoundingMode.Up => string.Create(CultureInfo.InvariantCulture, $"{plan.Decimals} decimal places, up"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{plan.Decimals} decimal places, down"),
    };

    private static MidpointRounding ToMidpointRounding(PremiumRoundingMode mode) => mode switch
    {
        PremiumRoundingMode.HalfEven => MidpointRounding.ToEven,
        PremiumRoundingMode.HalfUp => MidpointRounding.AwayFromZero,
        PremiumRoundingMode.Up => MidpointRounding.ToPositiveInfinity,
        _ => MidpointRounding.ToNegativeInfinity,
    };

    private static string Symbol(DiscountComparison comparison) => comparison switch
    {
        DiscountComparison.LessThan => "<",
        DiscountComparison.LessThanOrEqual => "≤",
        DiscountComparison.GreaterThan => ">",
        _ => "≥",
    };
}
