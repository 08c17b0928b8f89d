using System.Globalization;

namespace Telematics.Dashboard.Shared;

/// <summary>How the dashboard writes a score's 90 % interval, the same in every view.</summary>
public static class ScoreIntervals
{
    /// <summary>The ends in whole points, e.g. "27–53": the interval is a range of long-run scores, not a figure to a tenth.</summary>
    public static string Range(double low, double high) => string.Create(CultureInfo.InvariantCulture, $"{low:F0}–{high:F0}");

    /// <summary>Why a category is provisional, naming the categories it may move to.</summary>
    public static string MayBecome(string lowCategory, string highCategory) =>
        $"may become {RiskColors.CategoryLabel(lowCategory)} to {RiskColors.CategoryLabel(highCategory)} with more driving";
}
