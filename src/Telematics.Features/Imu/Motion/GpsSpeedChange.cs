namespace Telematics.Features.Imu.Motion;

/// <summary>The GPS speed change per bin of the motion grid: what signs the forward direction when there are no turns.</summary>
internal static class GpsSpeedChange
{
    /// <summary>
    /// Per bin, the GPS speed change (m/s²) across the fixes around it (about 3 s at 1 Hz), from fixes' speeds (or their positions' spacing when a fix has no
    /// speed), NaN where no fix is within 2 s.
    /// </summary>
    public static void PerBin(GpsSeries gps, long start, long binNs, Span<float> dv)
    {
        dv.Fill(float.NaN);
        if (gps.Count < 2)
        {
            return;
        }

        var time = gps.TimeNs;
        var fix = 0;
        const long Reach = 2_000_000_000;
        for (var i = 0; i < dv.Length; i++)
        {
            var t = start + (i * binNs) + (binNs / 2);
            while (fix + 1 < time.Length && time[fix + 1] <= t)
            {
                fix++;
            }

            if (fix + 1 >= time.Length || t < time[fix] || time[fix + 1] - time[fix] > Reach)
            {
                continue;
            }

            // Speed at the two fixes around t, then the change between the fixes before and after them (±1 s at 1 Hz).
            var before = Math.Max(0, fix - 1);
            var after = Math.Min(time.Length - 1, fix + 2);
            var vBefore = Speed(gps, before);
            var vAfter = Speed(gps, after);
            var seconds = (time[after] - time[before]) / 1e9;
            if (seconds > 0 && seconds <= 4 && float.IsFinite(vBefore) && float.IsFinite(vAfter))
            {
                dv[i] = (float)((vAfter - vBefore) / seconds);
            }
        }
    }

    private static float Speed(GpsSeries gps, int index)
    {
        var speed = gps.SpeedMps[index];
        if (!float.IsNaN(speed))
        {
            return speed;
        }

        // No speed in the fix: distance to a neighbouring fix over the time between them (equirectangular, metres).
        var other = index + 1 < gps.Count ? index + 1 : index - 1;
        if (other < 0)
        {
            return float.NaN;
        }

        const double EarthRadius = 6_371_008.8;
        var lat = gps.LatitudeDeg[index] * Math.PI / 180;
        var dLat = (gps.LatitudeDeg[other] - gps.LatitudeDeg[index]) * Math.PI / 180;
        var dLon = (gps.LongitudeDeg[other] - gps.LongitudeDeg[index]) * Math.PI / 180 * Math.Cos(lat);
        var seconds = Math.Abs(gps.TimeNs[other] - gps.TimeNs[index]) / 1e9;
        return seconds > 0 ? (float)(EarthRadius * Math.Sqrt((dLat * dLat) + (dLon * dLon)) / seconds) : float.NaN;
    }
}
