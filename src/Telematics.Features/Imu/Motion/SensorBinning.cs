namespace Telematics.Features.Imu.Motion;

/// <summary>Averages a sensor's readings into the bins of a regular grid, bridging short gaps; the only per-reading work of the chain.</summary>
internal static class SensorBinning
{
    /// <summary>Mean x, y, z per bin into the first <c>bins</c> entries of the destinations; returns nothing, marks empty bins with NaN in <paramref name="x"/>.</summary>
    public static void Average(ImuSeries series, long startNs, long binNs, Span<float> x, Span<float> y, Span<float> z, Span<int> count, int maxBridgedBins)
    {
        x.Clear();
        y.Clear();
        z.Clear();
        count.Clear();
        var time = series.TimeNs;
        var sx = series.X;
        var sy = series.Y;
        var sz = series.Z;
        var bins = x.Length;
        var bin = -1;
        var boundary = long.MinValue;
        for (var i = 0; i < time.Length; i++)
        {
            var t = time[i];
            if (t >= boundary)
            {
                // Readings are in time order, so the division runs once per bin, not once per reading.
                bin = (int)((t - startNs) / binNs);
                if ((uint)bin >= (uint)bins)
                {
                    break;
                }

                boundary = startNs + ((bin + 1) * binNs);
            }

            // A reading with an axis that is not a number (a sensor glitch a caller passed on) is left out, as a missing
            // one: averaged in, it would poison its bin and every filter state after it.
            if (!float.IsFinite(sx[i] + sy[i] + sz[i]))
            {
                continue;
            }

            x[bin] += sx[i];
            y[bin] += sy[i];
            z[bin] += sz[i];
            count[bin]++;
        }

        var last = -1;
        for (var b = 0; b < bins; b++)
        {
            var n = count[b];
            if (n > 0)
            {
                var inverse = 1f / n;
                x[b] *= inverse;
                y[b] *= inverse;
                z[b] *= inverse;
                last = b;
            }
            else if (last >= 0 && b - last <= maxBridgedBins && NextFilled(count, b, last + maxBridgedBins + 1))
            {
                x[b] = x[last];
                y[b] = y[last];
                z[b] = z[last];
            }
            else
            {
                x[b] = float.NaN;
            }
        }
    }

    private static bool NextFilled(ReadOnlySpan<int> count, int from, int until)
    {
        for (var b = from; b < until && b < count.Length; b++)
        {
            if (count[b] > 0)
            {
                return true;
            }
        }

        return false;
    }
}
