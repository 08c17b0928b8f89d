namespace Telematics.Scoring.Pricing;

/// <summary>A discount granted when one feature value meets a condition: a percentage of the pre-discount premium, capped at an amount.</summary>
/// <param name="Name">Rule name shown in the breakdown, for example <c>low_night_driving</c>.</param>
/// <param name="Feature">Feature the condition reads, for example <c>night_share</c>.</param>
/// <param name="Comparison">How the value is compared with <paramref name="Threshold"/>.</param>
/// <param name="Threshold">Threshold in the feature's unit.</param>
/// <param name="Percent">Discount as a percentage of the premium before discounts, in (0, 100].</param>
/// <param name="CapAmount">Largest discount in the plan's currency, or <see langword="null"/> for no cap.</param>
/// <remarks>A rule whose feature is missing or NaN does not apply.</remarks>
public sealed record DiscountRule(string Name, string Feature, DiscountComparison Comparison, double Threshold, decimal Percent, decimal? CapAmount)
{
    /// <summary>Returns whether the rule applies to <paramref name="value"/>; NaN never applies.</summary>
    /// <param name="value">The driver's value of <see cref="Feature"/>.</param>
    public bool AppliesTo(double value) => Comparison switch
    {
        DiscountComparison.LessThan => value < Threshold,
        DiscountComparison.LessThanOrEqual => value <= Threshold,
        DiscountComparison.GreaterThan => value > Threshold,
        DiscountComparison.GreaterThanOrEqual => value >= Threshold,
        _ => false,
    };
}
