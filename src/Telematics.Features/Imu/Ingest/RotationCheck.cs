using System.Globalization;
using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Refuses a gyroscope file whose readings cannot be rad/s: °/s read as rad/s is 57× too fast, passes every per-reading
/// limit, and would read a phone resting in its holder as one turned in the hand for the whole trip.
/// </summary>
internal static class RotationCheck
{
    /// <summary>
    /// Greatest median rotation rate accepted, rad/s (40 °/s). A phone in a car turns at most about 0.5 rad/s with the car
    /// and far faster only in brief spells of handling, so its median over a recording stays well under 0.1 rad/s; the
    /// 1–5 °/s of a resting phone's noise and the road's pitch and roll read as rad/s lie above it.
    /// </summary>
    public const float MaxMedianRadS = 0.7f;

    /// <summary>Fewest readings judged: a few seconds of a phone handled may well turn this fast.</summary>
    public const int MinReadings = 100;

    /// <summary>Throws when the median rate of <paramref name="count"/> readings from <paramref name="start"/> (rad/s, as stored) is implausible.</summary>
    public static void Require(ImuSeries series, int start, int count, string file, ImuRotationUnit unit)
    {
        if (count < MinReadings)
        {
            return;
        }

        Span<float> rates = stackalloc float[Math.Min(count, MagnitudeSample.MaxReadings)];
        MagnitudeSample.Fill(series, start, count, rates);
        var median = rates[rates.Length / 2];
        if (!(median > MaxMedianRadS))
        {
            return;
        }

        var looks = unit == ImuRotationUnit.RadS
            ? "looks like °/s: set rotation_unit to deg_s"
            : "check that it holds rotation rates in the mapping's rotation_unit (deg_s)";
        throw new TelematicsFormatException(0, file, string.Create(CultureInfo.InvariantCulture,
            $"{file}: the median rotation rate of its {count} gyroscope readings is {median:0.###} rad/s ({median * 180 / MathF.PI:0.#} °/s), more than a phone in a car turns at most of the time (≤ {MaxMedianRadS} rad/s expected); it {looks}"), string.Empty);
    }
}
