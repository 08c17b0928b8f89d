namespace Telematics.Scoring.Pricing;

/// <summary>How a premium step changes the running total.</summary>
public enum PremiumStepKind
{
    /// <summary>Sets the running total to the step's value (the base rate; always the first step).</summary>
    Base = 0,

    /// <summary>Multiplies the running total by the step's value (a factor).</summary>
    Multiply = 1,

    /// <summary>Adds the step's value (an amount; negative for discounts) to the running total.</summary>
    Add = 2,
}
