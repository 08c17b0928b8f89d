namespace Telematics.Scoring.Pricing;

/// <summary>A priced premium with its full breakdown.</summary>
/// <remarks>Replaying <see cref="Steps"/> from the first (base) step gives every running total and, at the end, <see cref="Premium"/> exactly.</remarks>
public sealed class PremiumQuote
{
    internal PremiumQuote(string planName, string currency, decimal premium, IReadOnlyList<PremiumStep> steps, string rounding)
    {
        PlanName = planName;
        Currency = currency;
        Premium = premium;
        Steps = steps;
        Rounding = rounding;
    }

    /// <summary>Name of the plan that priced the quote.</summary>
    public string PlanName { get; }

    /// <summary>ISO 4217 currency of every amount.</summary>
    public string Currency { get; }

    /// <summary>Annual premium, rounded as stated in <see cref="Rounding"/> and within the plan's floor and ceiling.</summary>
    public decimal Premium { get; }

    /// <summary>The breakdown, in order: base rate, risk multiplier, mileage factor, discounts, discount cap, rounding, floor or ceiling.</summary>
    public IReadOnlyList<PremiumStep> Steps { get; }

    /// <summary>How the premium was rounded, for example <c>2 decimal places, half-even</c>.</summary>
    public string Rounding { get; }
}
