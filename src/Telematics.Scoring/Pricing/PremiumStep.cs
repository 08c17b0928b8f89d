namespace Telematics.Scoring.Pricing;

/// <summary>One line of a premium breakdown.</summary>
/// <param name="Name">What the step is, for example <c>base_rate</c>, <c>risk_multiplier</c>, <c>discount:no_phone</c>, <c>rounding</c>, <c>floor</c>.</param>
/// <param name="Kind">How <paramref name="Value"/> changes the running total.</param>
/// <param name="Value">The base amount, the factor, or the amount added (negative for a discount), in the plan's currency where an amount.</param>
/// <param name="RunningTotal">The premium after this step, unrounded until the <c>rounding</c> step.</param>
/// <param name="Detail">Plain-English detail, for example <c>score 62.5 → factor 1.15</c>.</param>
public readonly record struct PremiumStep(string Name, PremiumStepKind Kind, decimal Value, decimal RunningTotal, string Detail);
