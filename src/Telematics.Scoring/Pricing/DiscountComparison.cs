namespace Telematics.Scoring.Pricing;

/// <summary>How a discount rule compares a feature value with its threshold.</summary>
public enum DiscountComparison
{
    /// <summary>Applies when value &lt; threshold (JSON <c>&lt;</c>).</summary>
    LessThan = 0,

    /// <summary>Applies when value ≤ threshold (JSON <c>&lt;=</c>).</summary>
    LessThanOrEqual = 1,

    /// <summary>Applies when value &gt; threshold (JSON <c>&gt;</c>).</summary>
    GreaterThan = 2,

    /// <summary>Applies when value ≥ threshold (JSON <c>&gt;=</c>).</summary>
    GreaterThanOrEqual = 3,
}
