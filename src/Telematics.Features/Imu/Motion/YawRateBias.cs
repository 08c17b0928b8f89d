namespace Telematics.Features.Imu.Motion;

/// <summary>
/// Estimates a gyroscope's bias about the vertical from the readings themselves: a car stands or drives straight most of
/// the time, so the yaw rate's most common value is zero plus the bias. An uncalibrated phone gyroscope is off by up to
/// a few hundredths of a rad/s, which the Earth frame's integration would turn into tens of degrees a minute.
/// </summary>
internal static class YawRateBias
{
    // Rates beyond ±0.06 rad/s are turns and bends, not bias (a phone's residual bias stays within a few hundredths).
    private const float Range = 0.06f;
    private const int Buckets = 120;

    // The mode is then refined over ±0.015 rad/s, three times the noise of a 0.1 s bin's mean yaw rate.
    private const double Window = 0.015;

    /// <summary>
    /// The bias of <paramref name="rate"/> over its bins that hold readings and are not handling; false (and 0) when
    /// fewer than <paramref name="minBins"/> are near zero.
    /// </summary>
    public static bool TryEstimate(ReadOnlySpan<float> rate, ReadOnlySpan<MotionFlags> flags, int minBins, out float bias)
    {
        bias = 0;
        Span<int> histogram = stackalloc int[Buckets]; // zeroed: the project does not skip locals' initialisation

        var count = 0;
        for (var i = 0; i < rate.Length; i++)
        {
            var r = rate[i];
            // While the phone is handled its own rotation is in the rate: a trip-wide estimate must not count it.
            if (!Usable(flags[i]) || !(Math.Abs(r) < Range))
            {
                continue;
            }

            histogram[Math.Min(Buckets - 1, (int)((r + Range) * (Buckets / (2 * Range))))]++;
            count++;
        }

        if (count < minBins)
        {
            return false;
        }

        // The median of the near-zero rates, then a few mean-shift steps to the mode: the bends of a road are on both
        // sides of it, stops and straight stretches on it.
        var seen = 0;
        var bucket = 0;
        while (bucket < Buckets - 1 && seen + histogram[bucket] <= count / 2)
        {
            seen += histogram[bucket++];
        }

        double center = -Range + ((bucket + 0.5) * 2 * Range / Buckets);
        for (var step = 0; step < 4; step++)
        {
            double sum = 0;
            var n = 0;
            for (var i = 0; i < rate.Length; i++)
            {
                if (Usable(flags[i]) && Math.Abs(rate[i] - center) < Window)
                {
                    sum += rate[i];
                    n++;
                }
            }

            if (n < minBins / 2)
            {
                break;
            }

            center = sum / n;
        }

        bias = (float)center;
        return true;
    }

    private static bool Usable(MotionFlags flags) => flags != MotionFlags.None && (flags & MotionFlags.Handling) == 0;
}
