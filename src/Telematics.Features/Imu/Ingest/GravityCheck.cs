using System.Globalization;
using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Refuses an accelerometer file (the slot of acceleration with gravity) whose readings do not hold gravity in m/s²:
/// a file without gravity, or in the other unit, passes every per-reading limit and would give the vehicle frame a wrong
/// vertical without a word.
/// </summary>
internal static class GravityCheck
{
    /// <summary>Least median magnitude accepted, m/s². Phones at rest read 9.6–10.0; a car's manoeuvres are too brief to move the median far.</summary>
    public const float MinMps2 = 7f;

    /// <summary>Greatest median magnitude accepted, m/s²; wide enough for a badly calibrated phone, far from g (≈1) and m/s² read as g (≈96).</summary>
    public const float MaxMps2 = 13f;

    /// <summary>Throws when the median magnitude of <paramref name="count"/> readings from <paramref name="start"/> is outside the band.</summary>
    public static void Require(ImuSeries series, int start, int count, string file, ImuAccelerationUnit unit)
    {
        if (count == 0)
        {
            return;
        }

        Span<float> magnitudes = stackalloc float[Math.Min(count, MagnitudeSample.MaxReadings)];
        MagnitudeSample.Fill(series, start, count, magnitudes);
        var median = magnitudes[magnitudes.Length / 2];
        if (median is >= MinMps2 and <= MaxMps2)
        {
            return;
        }

        // Readings in g hold gravity as ≈1 steadily; linear acceleration of about that median varies far more.
        var lower = magnitudes[magnitudes.Length / 4];
        var upper = magnitudes[3 * magnitudes.Length / 4];
        var looks = unit == ImuAccelerationUnit.Mps2 && lower >= 0.7f && upper <= 1.3f
            ? "looks like g: set acceleration_unit to g"
            : unit == ImuAccelerationUnit.G && median is >= 70f and <= 130f
                ? "looks like m/s² read as g: set acceleration_unit to mps2"
                : median < 3f
                    ? "looks like acceleration with gravity removed: map it as linear_acceleration (Sensor Logger's Accelerometer.csv is without gravity; its TotalAcceleration.csv holds it with gravity)"
                    : $"check that it holds acceleration with gravity in the mapping's acceleration_unit ({(unit == ImuAccelerationUnit.G ? "g" : "mps2")})";
        throw new TelematicsFormatException(0, file, string.Create(CultureInfo.InvariantCulture,
            $"{file}: the median magnitude of its {count} accelerometer readings is {median:0.###} m/s², not gravity's 9.81 ({MinMps2}–{MaxMps2} m/s² expected of acceleration with gravity); it {looks}"), string.Empty);
    }
}
