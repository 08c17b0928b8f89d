using Telematics.Features.Schema;
using Telematics.Scoring.Batch;

namespace Telematics.Cli.Score;

/// <summary>
/// A driver with no trips is not scored: its vector of zeros would otherwise be scored as the safest driver there is
/// (an empty events file came out "excellent"), where the host refuses the same driver (<c>no-trips-in-period</c>).
/// </summary>
internal static class NoDriving
{
    private static readonly int TripCountIndex = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount);

    /// <summary>What the output's error column says of such a driver.</summary>
    public const string Reason =
        "no trips: nothing to score (an empty file, or every record dropped or every trip too short); a driver is never scored from an empty vector";

    /// <summary>
    /// Whether the driver's telematics@1 vector is empty: trip_count 0 and no other value but 0 or missing, which is what
    /// an events file without trips gives (and <c>telematics features</c> writes for it). A missing trip_count is not 0,
    /// and a hand-made what-if row with habits but no totals is still scored.
    /// </summary>
    public static bool Of(DriverFeatures driver)
    {
        var vector = driver.Features.Span;
        if (vector[TripCountIndex] != 0)
        {
            return false;
        }

        foreach (var value in vector)
        {
            if (value != 0 && !float.IsNaN(value))
            {
                return false;
            }
        }

        return true;
    }
}
