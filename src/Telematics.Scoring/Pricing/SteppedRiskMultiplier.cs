using System.Globalization;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Pricing;

/// <summary>A stepped multiplier: one factor per score band, bands given by inclusive upper bounds.</summary>
/// <remarks>A score belongs to the first band whose upper bound it does not exceed, like <see cref="RiskCategories.FromScore"/>.</remarks>
public sealed class SteppedRiskMultiplier : RiskMultiplier
{
    private readonly (double UpToScore, decimal Factor)[] _bands;

    /// <summary>Creates the multiplier.</summary>
    /// <param name="bands">Bands with strictly ascending upper bounds within 0–100, the last one exactly 100; factors in (0, 100].</param>
    /// <exception cref="PricingPlanException">A band is out of range or out of order, or the last does not reach 100 (field <c>risk_multiplier.bands[i]</c>).</exception>
    public SteppedRiskMultiplier(IEnumerable<(double UpToScore, decimal Factor)> bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        _bands = [.. bands];
        if (_bands.Length == 0)
        {
            throw new PricingPlanException("risk_multiplier.bands", "needs at least one band.");
        }

        for (var i = 0; i < _bands.Length; i++)
        {
            var field = $"risk_multiplier.bands[{i}]";
            var upTo = _bands[i].UpToScore;
            if (!double.IsFinite(upTo) || upTo is < 0 or > 100)
            {
                throw new PricingPlanException($"{field}.up_to_score", $"{upTo.ToString(CultureInfo.InvariantCulture)} is outside 0–100.");
            }

            if (i > 0 && upTo <= _bands[i - 1].UpToScore)
            {
                throw new PricingPlanException($"{field}.up_to_score", "upper bounds must be strictly ascending.");
            }

            RequirePositiveFactor(_bands[i].Factor, $"{field}.factor");
        }

        if (_bands[^1].UpToScore != 100)
        {
            throw new PricingPlanException($"risk_multiplier.bands[{_bands.Length - 1}].up_to_score", "the last band must reach 100 so that every score has a factor.");
        }
    }

    /// <summary>Creates a stepped multiplier with one factor per <see cref="RiskCategory"/> (bands up to 20, 40, 60, 80 and 100).</summary>
    /// <param name="factors">A factor for each of the five categories.</param>
    /// <exception cref="PricingPlanException">A category is missing or its factor is outside (0, 100] (field <c>risk_multiplier.factors.&lt;category&gt;</c>).</exception>
    public static SteppedRiskMultiplier FromCategories(IReadOnlyDictionary<RiskCategory, decimal> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var bands = new (double, decimal)[5];
        for (var c = RiskCategory.Excellent; c <= RiskCategory.High; c++)
        {
            var field = $"risk_multiplier.factors.{c.ToWireName()}";
            if (!factors.TryGetValue(c, out var factor))
            {
                throw new PricingPlanException(field, "is required: every category needs a factor.");
            }

            RequirePositiveFactor(factor, field);
            bands[(int)c] = (20 * ((int)c + 1), factor);
        }

        return new SteppedRiskMultiplier(bands);
    }

    /// <summary>The bands in ascending order.</summary>
    public IReadOnlyList<(double UpToScore, decimal Factor)> Bands => _bands;

    /// <inheritdoc />
    public override bool IsNonDecreasing
    {
        get
        {
            for (var i = 1; i < _bands.Length; i++)
            {
                if (_bands[i].Factor < _bands[i - 1].Factor)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <inheritdoc />
    public override decimal FactorAt(double score)
    {
        foreach (var (upTo, factor) in _bands)
        {
            if (score <= upTo)
            {
                return factor;
            }
        }

        return _bands[^1].Factor;
    }

    /// <inheritdoc />
    public override string Describe() => $"stepped over {_bands.Length} score bands";
}
