namespace Telematics.Scoring.Pricing;

/// <summary>How the final premium is rounded to the plan's decimal places.</summary>
public enum PremiumRoundingMode
{
    /// <summary>To nearest, ties to even (banker's rounding; JSON <c>half_even</c>).</summary>
    HalfEven = 0,

    /// <summary>To nearest, ties away from zero (JSON <c>half_up</c>).</summary>
    HalfUp = 1,

    /// <summary>Always up, toward positive infinity (JSON <c>up</c>).</summary>
    Up = 2,

    /// <summary>Always down, toward negative infinity (JSON <c>down</c>).</summary>
    Down = 3,
}
