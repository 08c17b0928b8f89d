using System.Globalization;

namespace Telematics.Scoring.Recommendations;

/// <summary>Formats a feature value with its unit for a sentence (invariant culture, English units).</summary>
internal static class FigureFormatter
{
    public static string Format(double value, string unit)
    {
        var c = CultureInfo.InvariantCulture;
        return unit switch
        {
            "share_km" or "share_time" or "share_records" => (value * 100).ToString(value * 100 < 10 ? "0.#" : "0", c) + " %",
            "per_100km" => value.ToString("0.#", c) + " per 100 km",
            "km" => value.ToString(value < 100 ? "0.#" : "#,0", c) + " km",
            "h" => value.ToString("0.#", c) + " h",
            "count" => value.ToString("#,0", c),
            "km/h" => value.ToString("0", c) + " km/h",
            "m/s3" => value.ToString("0.##", c) + " m/s³",
            "g" => value.ToString("0.##", c) + " g",
            "min/h" => value.ToString("0.#", c) + " min per hour of driving",
            _ => value.ToString("0.###", c),
        };
    }

    /// <summary>The size of a contribution as a sentence shows it: points to one decimal.</summary>
    public static double ShownPoints(double contribution) => Math.Round(Math.Abs(contribution), 1, MidpointRounding.AwayFromZero);

    // Singular or plural by the figure shown, not the exact one: 0.96 reads "1 point".
    public static string Points(double contribution)
    {
        var shown = ShownPoints(contribution);
        return shown.ToString("0.#", CultureInfo.InvariantCulture) + (shown == 1 ? " point" : " points");
    }
}
