using System.Globalization;

namespace Telematics.Scoring.Pricing;

/// <summary>A continuous multiplier through points (score, factor), linear between them and flat beyond the first and last.</summary>
public sealed class PiecewiseLinearRiskMultiplier : RiskMultiplier
{
    private readonly (double Score, decimal Factor)[] _points;

    /// <summary>Creates the multiplier.</summary>
    /// <param name="points">At least two points with scores strictly ascending within 0–100 and factors in (0, 100].</param>
    /// <exception cref="PricingPlanException">A point is out of range or out of order (field <c>risk_multiplier.points[i]</c>).</exception>
    public PiecewiseLinearRiskMultiplier(IEnumerable<(double Score, decimal Factor)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        _points = [.. points];
        if (_points.Length < 2)
        {
            throw new PricingPlanException("risk_multiplier.points", $"needs at least 2 points; found {_points.Length}.");
        }

        for (var i = 0; i < _points.Length; i++)
        {
            var field = $"risk_multiplier.points[{i}]";
            var score = _points[i].Score;
            if (!double.IsFinite(score) || score is < 0 or > 100)
            {
                throw new PricingPlanException(field, $"score {score.ToString(CultureInfo.InvariantCulture)} is outside 0–100.");
            }

            if (i > 0 && score <= _points[i - 1].Score)
            {
                throw new PricingPlanException(field, "scores must be strictly ascending.");
            }

            RequirePositiveFactor(_points[i].Factor, field);
        }
    }

    /// <summary>The points in ascending score order.</summary>
    public IReadOnlyList<(double Score, decimal Factor)> Points => _points;

    /// <inheritdoc />
    public override bool IsNonDecreasing
    {
        get
        {
            for (var i = 1; i < _points.Length; i++)
            {
                if (_points[i].Factor < _points[i - 1].Factor)
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
        if (score <= _points[0].Score)
        {
            return _points[0].Factor;
        }

        for (var i = 1; i < _points.Length; i++)
        {
            var (s1, f1) = _points[i];
            if (score <= s1)
            {
                var (s0, f0) = _points[i - 1];
                var t = ((decimal)score - (decimal)s0) / ((decimal)s1 - (decimal)s0);
                return RoundFactor(f0 + ((f1 - f0) * t));
            }
        }

        return _points[^1].Factor;
    }

    /// <inheritdoc />
    public override string Describe() => $"piecewise linear through {_points.Length} points";
}
