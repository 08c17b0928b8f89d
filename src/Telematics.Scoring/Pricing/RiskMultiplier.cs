namespace Telematics.Scoring.Pricing;

/// <summary>Maps a 0–100 risk score to the factor applied to the base rate.</summary>
/// <remarks>
/// Factors are positive and rounded to <see cref="FactorDecimals"/> decimal places (half away from zero)
/// so that the premium breakdown multiplies out exactly. Implementations are immutable and thread-safe.
/// </remarks>
public abstract class RiskMultiplier
{
    /// <summary>Decimal places every computed factor is rounded to.</summary>
    public const int FactorDecimals = 6;

    private protected RiskMultiplier()
    {
    }

    /// <summary><see langword="true"/> when the factor never falls as the score rises (a riskier driver never pays less).</summary>
    public abstract bool IsNonDecreasing { get; }

    /// <summary>Returns the factor for <paramref name="score"/>.</summary>
    /// <param name="score">Risk score, 0–100; the caller has checked the range.</param>
    public abstract decimal FactorAt(double score);

    /// <summary>A short description of the multiplier for the breakdown, for example <c>exp(0.6·(score−50)/50)</c>.</summary>
    public abstract string Describe();

    private protected static decimal RoundFactor(decimal factor) =>
        decimal.Round(factor, FactorDecimals, MidpointRounding.AwayFromZero);

    private protected static void RequirePositiveFactor(decimal factor, string field)
    {
        if (factor <= 0 || factor > 100)
        {
            throw new PricingPlanException(field, $"{factor} is outside (0, 100]; a factor multiplies the premium.");
        }
    }
}
