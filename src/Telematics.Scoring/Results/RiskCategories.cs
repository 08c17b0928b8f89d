namespace Telematics.Scoring.Results;

/// <summary>Maps 0–100 risk scores to <see cref="RiskCategory"/> bands (upper bounds inclusive: 20, 40, 60, 80).</summary>
public static class RiskCategories
{
    /// <summary>Returns the band of <paramref name="score"/>.</summary>
    /// <param name="score">Risk score, 0–100 (higher is riskier); values outside are clamped.</param>
    /// <exception cref="ArgumentException"><paramref name="score"/> is NaN.</exception>
    public static RiskCategory FromScore(double score)
    {
        if (double.IsNaN(score))
        {
            throw new ArgumentException("A risk score cannot be NaN.", nameof(score));
        }

        return score switch
        {
            <= 20 => RiskCategory.Excellent,
            <= 40 => RiskCategory.Good,
            <= 60 => RiskCategory.Average,
            <= 80 => RiskCategory.BelowAverage,
            _ => RiskCategory.High,
        };
    }

    /// <summary>Returns the lower-case wire name of a category (<c>excellent</c>, <c>good</c>, <c>average</c>, <c>below_average</c>, <c>high</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="category"/> is not a defined value.</exception>
    public static string ToWireName(this RiskCategory category) => category switch
    {
        RiskCategory.Excellent => "excellent",
        RiskCategory.Good => "good",
        RiskCategory.Average => "average",
        RiskCategory.BelowAverage => "below_average",
        RiskCategory.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown risk category."),
    };
}
