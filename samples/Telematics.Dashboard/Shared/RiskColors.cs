using System.Globalization;

using MudBlazor;

namespace Telematics.Dashboard.Shared;

/// <summary>The colours of risk: a category's colour, and a contribution's place between blue (lowers) and red (raises).</summary>
public static class RiskColors
{
    /// <summary>The MudBlazor colour of a score category (wire name, any case).</summary>
    public static Color Category(string? category) => category?.ToUpperInvariant() switch
    {
        "EXCELLENT" => Color.Success,
        "GOOD" => Color.Info,
        "AVERAGE" => Color.Default,
        "BELOW_AVERAGE" => Color.Warning,
        "HIGH" => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A readable label of a category: <c>below_average</c> → "below average".</summary>
    public static string CategoryLabel(string? category) => category switch
    {
        null => "—",
        _ => category.Replace('_', ' ').ToLowerInvariant(),
    };

    /// <summary>
    /// A CSS colour for <paramref name="points"/> out of ±<paramref name="largest"/>: blue for the largest reduction, grey at
    /// zero, red for the largest increase (interpolated in RGB between #1e63c8, #9e9e9e and #d32f2f).
    /// </summary>
    public static string Contribution(double points, double largest)
    {
        var t = largest > 0 ? Math.Clamp(points / largest, -1, 1) : 0;
        (int R, int G, int B) grey = (0x9e, 0x9e, 0x9e);
        var end = t < 0 ? (R: 0x1e, G: 0x63, B: 0xc8) : (R: 0xd3, G: 0x2f, B: 0x2f);
        var f = Math.Abs(t);
        return string.Create(CultureInfo.InvariantCulture, $"rgb({Mix(grey.R, end.R, f)}, {Mix(grey.G, end.G, f)}, {Mix(grey.B, end.B, f)})");

        static int Mix(int from, int to, double f) => (int)Math.Round(from + ((to - from) * f));
    }
}
