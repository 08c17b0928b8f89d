namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// The magnitudes of an evenly strided sample of a series' readings, sorted: what the unit checks take quantiles of. Exact
/// enough for bands as wide as theirs, and the buffer fits on the stack.
/// </summary>
internal static class MagnitudeSample
{
    /// <summary>Most readings sampled.</summary>
    public const int MaxReadings = 2048;

    /// <summary>Fills <paramref name="sorted"/> (at most <see cref="MaxReadings"/> long) from <paramref name="count"/> readings from <paramref name="start"/>.</summary>
    public static void Fill(ImuSeries series, int start, int count, Span<float> sorted)
    {
        var stride = (double)count / sorted.Length;
        var x = series.X;
        var y = series.Y;
        var z = series.Z;
        for (var i = 0; i < sorted.Length; i++)
        {
            var j = start + (int)(i * stride);
            sorted[i] = MathF.Sqrt((x[j] * x[j]) + (y[j] * y[j]) + (z[j] * z[j]));
        }

        sorted.Sort();
    }
}
