using System.Globalization;
using System.Text;
using Telematics.Cli.Score;
using Telematics.Features.Schema;

namespace Telematics.Cli.Synth;

/// <summary>
/// The <c>features.csv</c> that <c>telematics synth</c> writes beside <c>drivers.csv</c>: each driver's telematics@1 vector
/// over the simulated days, computed in the population's time zone, with its <c>observed_days</c> — the file
/// <c>telematics score --features</c> and <c>telematics train --features</c> read, so a population is scored or trained on
/// without running <c>features</c> once per events file.
/// </summary>
internal static class PopulationFeaturesCsv
{
    public const string FileName = "features.csv";

    public static string Header()
    {
        var header = new StringBuilder("driver_id,").Append(FeatureCsv.ObservedDaysColumn);
        foreach (var feature in TelematicsFeatures.Schema.Features)
        {
            header.Append(',').Append(feature.Name);
        }

        return header.ToString();
    }

    /// <summary>One driver's line; a missing feature (NaN) is an empty cell, as the readers take it.</summary>
    public static string Row(string driverId, int observedDays, ReadOnlySpan<float> features)
    {
        var line = new StringBuilder(driverId).Append(',').Append(observedDays.ToString(CultureInfo.InvariantCulture));
        foreach (var value in features)
        {
            line.Append(',');
            if (!float.IsNaN(value))
            {
                line.Append(value.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return line.ToString();
    }
}
