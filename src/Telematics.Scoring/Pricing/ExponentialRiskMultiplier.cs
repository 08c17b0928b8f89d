using System.Globalization;

namespace Telematics.Scoring.Pricing;

/// <summary>A continuous multiplier <c>exp(k·(score − 50)/50)</c>: 1 at the average score 50, e^k at 100 and e^−k at 0.</summary>
public sealed class ExponentialRiskMultiplier : RiskMultiplier
{
    // Described once: every premium priced with the plan carries the text.
    private string? _description;

    /// <summary>Creates the multiplier.</summary>
    /// <param name="k">Steepness, −5 to 5; positive makes riskier drivers pay more (k = 0.6 gives 0.55–1.82).</param>
    /// <exception cref="PricingPlanException"><paramref name="k"/> is not finite or outside −5 to 5 (field <c>risk_multiplier.k</c>).</exception>
    public ExponentialRiskMultiplier(double k)
    {
        if (!double.IsFinite(k) || k is < -5 or > 5)
        {
            throw new PricingPlanException("risk_multiplier.k", $"{k.ToString(CultureInfo.InvariantCulture)} is outside −5 to 5.");
        }

        K = k;
    }

    /// <summary>Steepness of the curve.</summary>
    public double K { get; }

    /// <inheritdoc />
    public override bool IsNonDecreasing => K >= 0;

    /// <inheritdoc />
    public override decimal FactorAt(double score) => RoundFactor((decimal)Math.Exp(K * (score - 50) / 50));

    /// <inheritdoc />
    public override string Describe() => _description ??= string.Create(CultureInfo.InvariantCulture, $"exp({K}·(score−50)/50)");
}
