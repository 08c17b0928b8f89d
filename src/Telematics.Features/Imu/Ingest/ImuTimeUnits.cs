namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Tells the unit of numeric times of unknown format from the spacing of readings: a phone samples its motion sensors at
/// 10–200 Hz, so consecutive readings are 5–100 ms apart, and only one of s, ms, µs and ns puts the raw spacing there.
/// Size alone cannot tell: since-boot nanoseconds after an hour's uptime (3.6e12) look like today's Unix milliseconds.
/// </summary>
internal static class ImuTimeUnits
{
    /// <summary>Spacing of a motion sensor's readings, seconds: 0.5 ms (2 kHz) to 5 s.</summary>
    public const double SensorMinS = 0.0005;

    /// <inheritdoc cref="SensorMinS"/>
    public const double SensorMaxS = 5;

    /// <summary>Spacing of GPS fixes a unit is told from, seconds: 20 Hz to one fix in 30 s (a 1 Hz fix fits only one unit here).</summary>
    public const double GpsMinS = 0.05;

    /// <inheritdoc cref="GpsMinS"/>
    public const double GpsMaxS = 30;

    /// <summary>Spacing of GPS fixes accepted once a sensor told the unit, seconds: wider, for loggers that fix rarely while parked.</summary>
    public const double GpsCheckMinS = 0.02;

    /// <inheritdoc cref="GpsCheckMinS"/>
    public const double GpsCheckMaxS = 120;

    private static readonly long[] UnitNs = [1, 1_000, 1_000_000, 1_000_000_000];

    // 2000-01-01 and 2100-01-01 in Unix nanoseconds: a first reading between them is wall-clock time.
    private const long EpochFrom = 946_684_800_000_000_000;
    private const long EpochTo = 4_102_444_800_000_000_000;

    /// <summary>Whether a time in nanoseconds falls in 2000–2100 of the Unix clock, and so is wall-clock time.</summary>
    public static bool IsUnix(long ns) => ns is >= EpochFrom and <= EpochTo;

    /// <summary>The median of the first 255 increases between consecutive <paramref name="times"/>, as read; 0 when they never increase.</summary>
    public static long MedianStep(ReadOnlySpan<long> times)
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

        if (count == 0)
        {
            return 0;
        }

        steps = steps[..count];
        steps.Sort();
        return steps[count / 2];
    }

    /// <summary>
    /// Nanoseconds per unit of <paramref name="times"/> (units of 1/<paramref name="scale"/> of the raw number): the unit
    /// that puts their spacing within [<paramref name="minS"/>, <paramref name="maxS"/>] seconds and their start in
    /// 2000–2100 Unix time, else the smallest that fits the spacing, else told by size.
    /// </summary>
    public static long Pick(ReadOnlySpan<long> times, long scale, double minS, double maxS)
    {
        var first = times[0] / (double)scale;
        var median = MedianStep(times);
        if (median > 0)
        {
            var step = median / (double)scale;
            long fallback = 0;
            foreach (var unit in UnitNs)
            {
                var seconds = step * unit / 1e9;
                if (seconds >= minS && seconds <= maxS)
                {
                    if (IsUnixStart(first * unit))
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

        // One reading, or spacing no logger writes at: by size (now is ~1.8e9 s, 1.8e12 ms, 1.8e15 µs, 1.8e18 ns).
        return first >= 1e17 ? 1 : first >= 1e14 ? 1_000 : first >= 1e11 ? 1_000_000 : 1_000_000_000;
    }

    /// <summary>Rescales <paramref name="times"/> (units of 1/<paramref name="scale"/> of the raw number) to nanoseconds, <paramref name="unit"/> ns per unit.</summary>
    public static void Apply(Span<long> times, long scale, long unit)
    {
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
    }

    private static bool IsUnixStart(double ns) => ns is >= EpochFrom and <= EpochTo;
}
