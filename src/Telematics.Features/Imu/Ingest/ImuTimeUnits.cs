namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Tells the unit of numeric times of unknown format from the spacing of readings: a phone samples at 10–200 Hz, so
/// consecutive readings are 5–100 ms apart, and only one of s, ms, µs and ns puts the raw spacing there. Size alone
/// cannot tell: since-boot nanoseconds after an hour's uptime (3.6e12) look like today's Unix milliseconds.
/// </summary>
internal static class ImuTimeUnits
{
    private static readonly long[] UnitNs = [1, 1_000, 1_000_000, 1_000_000_000];

    // 2000-01-01 and 2100-01-01 in Unix nanoseconds: a first reading between them is wall-clock time.
    private const long EpochFrom = 946_684_800_000_000_000;
    private const long EpochTo = 4_102_444_800_000_000_000;

    /// <summary>Whether a time in nanoseconds falls in 2000–2100 of the Unix clock, and so is wall-clock time.</summary>
    public static bool IsUnix(long ns) => ns is >= EpochFrom and <= EpochTo;

    /// <summary>Rescales <paramref name="times"/> (units of 1/<paramref name="scale"/> of the raw number) to nanoseconds; returns whether they are Unix times.</summary>
    public static bool Rescale(Span<long> times, long scale)
    {
        if (times.IsEmpty)
        {
            return true;
        }

        var unit = Pick(times, scale);
        if (unit >= scale)
        {
            var factor = unit / scale;
            foreach (ref var t in times)
            {
                t *= factor;
            }
        }
        else
        {
            var divisor = scale / unit;
            foreach (ref var t in times)
            {
                t /= divisor;
            }
        }

        return times[0] is >= EpochFrom and <= EpochTo;
    }

    private static long Pick(ReadOnlySpan<long> times, long scale)
    {
        Span<long> steps = stackalloc long[255];
        var count = 0;
        for (var i = 1; i < times.Length && count < steps.Length; i++)
        {
            if (times[i] > times[i - 1])
            {
                steps[count++] = times[i] - times[i - 1];
            }
        }

        var first = times[0] / (double)scale;
        if (count > 0)
        {
            steps = steps[..count];
            steps.Sort();
            var step = steps[count / 2] / (double)scale;
            long fallback = 0;
            foreach (var unit in UnitNs)
            {
                var seconds = step * unit / 1e9;
                if (seconds is >= 0.0005 and <= 5)
                {
                    var startNs = first * unit;
                    if (startNs is >= EpochFrom and <= EpochTo)
                    {
                        return unit;
                    }

                    fallback = fallback == 0 ? unit : fallback;
                }
            }

            if (fallback != 0)
            {
                return fallback;
            }
        }

        // One reading, or spacing no phone logs at: by size (now is ~1.8e9 s, 1.8e12 ms, 1.8e15 µs, 1.8e18 ns).
        return first >= 1e17 ? 1 : first >= 1e14 ? 1_000 : first >= 1e11 ? 1_000_000 : 1_000_000_000;
    }
}
