namespace Telematics.Features.Imu.Motion;

/// <summary>
/// Finds where the phone turned relative to the vehicle: a car turns about the vertical only (its pitch and roll rates are
/// small), so rotation about horizontal axes, or a yaw rate no car reaches, is the phone's own.
/// </summary>
internal static class HandlingDetector
{
    // Gravity for splitting the rotation: a 2 s low-pass follows a remounted phone within seconds, while a harsh brake
    // (4 m/s² for 3 s) tilts it by under 20°, which leaks under 0.2 rad/s of a fast turn's yaw into the horizontal.
    private const double VerticalTimeConstantSeconds = 2.0;

    // Earth frame: rotations from 0.2 rad/s about z are turns (road bends and sensor noise stay below it); at least 2 s
    // of them tell the axis the vehicle turns about.
    private const double AxisMinRateRadS = 0.2;
    private const int AxisMinBins = 20;

    // tan 45°: a logged frame tilted further would put more of gravity than of the vertical on x/y, which no fusion does.
    private const double MaxAxisTilt = 1.0;
    private const int AxisBuckets = 100;

    /// <summary>
    /// Flags handling bins; <paramref name="rotation"/> receives the phone's own rotation rate per bin. Returns the factor
    /// from the Earth frame's z rate to the vehicle's yaw rate (1 in the device frame).
    /// </summary>
    public static double Mark(
        ReadOnlySpan<float> ax, ReadOnlySpan<float> ay, ReadOnlySpan<float> az,
        ReadOnlySpan<float> wx, ReadOnlySpan<float> wy, ReadOnlySpan<float> wz,
        Span<MotionFlags> flags, bool earth, VehicleFrameOptions options, Span<float> rotation)
    {
        var n = flags.Length;
        var dt = options.BinSeconds;
        var alpha = dt / (VerticalTimeConstantSeconds + dt);
        var up = new Vector3D(0, 0, 1);
        var started = earth;

        // An OS-rotated gyroscope's z need not be the true vertical: a logged rotation off it by θ puts sin θ of the yaw on
        // x/y, about an axis fixed to the car. A car cannot sustain pitch or roll rates, so horizontal rotation that keeps
        // in proportion to z through the turns is yaw seen through the tilt: only what exceeds it is the phone's own, and
        // the yaw is the rate along the tilted axis (z / cos θ).
        var tilt = earth ? AxisTilt(wx, wy, wz, flags) : 0;
        var yawScale = Math.Sqrt(1 + (tilt * tilt));
        for (var i = 0; i < n; i++)
        {
            rotation[i] = 0;
            if ((flags[i] & MotionFlags.Valid) == 0)
            {
                continue;
            }

            if (!earth)
            {
                var a = new Vector3D(ax[i], ay[i], az[i]).Normalized();
                up = started ? (up + ((a - up) * alpha)).Normalized() : a;
                started = true;
            }

            var w = new Vector3D(wx[i], wy[i], wz[i]);
            var yaw = w.Dot(up);
            var horizontal = (w - (up * yaw)).Length;
            if (earth)
            {
                horizontal = Math.Max(0, horizontal - (tilt * Math.Abs(yaw)));
                yaw *= yawScale;
            }

            rotation[i] = (float)(Math.Abs(yaw) > options.MaxVehicleYawRateRadS ? Math.Max(horizontal, Math.Abs(yaw)) : horizontal);
        }

        var margin = (int)Math.Round(options.HandlingMarginSeconds / dt);
        var merge = (int)Math.Round(options.HandlingMergeSeconds / dt);
        var lastEnd = int.MinValue;
        var i0 = 0;
        while (i0 < n)
        {
            // Written so that a rate that is not a number counts as below the threshold: `<=` would leave i0 where it is.
            if (!(rotation[i0] > options.HandlingRateRadS))
            {
                i0++;
                continue;
            }

            var stop = i0;
            double angle = 0;
            while (stop < n && rotation[stop] > options.HandlingRateRadS)
            {
                angle += rotation[stop] * dt;
                stop++;
            }

            if (angle >= options.HandlingAngleRad)
            {
                var from = Math.Max(0, i0 - margin);
                if (lastEnd >= 0 && from - lastEnd <= merge)
                {
                    from = Math.Max(0, lastEnd);
                }

                var to = Math.Min(n, stop + margin);
                for (var k = from; k < to; k++)
                {
                    flags[k] |= MotionFlags.Handling;
                }

                lastEnd = to;
            }

            i0 = stop;
        }

        return yawScale;
    }

    /// <summary>
    /// tan of the tilt of the Earth frame's z from the axis the vehicle turns about: the median ratio of the horizontal
    /// to the z rate over the turns (a turn's leak keeps the ratio, the hand's rotation scatters it); 0 without turns.
    /// </summary>
    private static double AxisTilt(ReadOnlySpan<float> wx, ReadOnlySpan<float> wy, ReadOnlySpan<float> wz, ReadOnlySpan<MotionFlags> flags)
    {
        Span<int> histogram = stackalloc int[AxisBuckets]; // zeroed: the project does not skip locals' initialisation
        var count = 0;
        for (var i = 0; i < flags.Length; i++)
        {
            var z = Math.Abs(wz[i]);
            if ((flags[i] & MotionFlags.Valid) == 0 || !(z >= AxisMinRateRadS))
            {
                continue;
            }

            var ratio = Math.Sqrt((wx[i] * wx[i]) + (wy[i] * wy[i])) / z;
            histogram[Math.Min(AxisBuckets - 1, (int)(ratio / MaxAxisTilt * AxisBuckets))]++;
            count++;
        }

        if (count < AxisMinBins)
        {
            return 0;
        }

        var seen = 0;
        var bucket = 0;
        while (bucket < AxisBuckets - 1 && seen + histogram[bucket] <= count / 2)
        {
            seen += histogram[bucket++];
        }

        // Interpolated within the bucket, so the estimate is not quantised to its width.
        var fraction = histogram[bucket] == 0 ? 0.5 : ((count / 2.0) - seen) / histogram[bucket];
        return Math.Min(MaxAxisTilt, (bucket + fraction) * MaxAxisTilt / AxisBuckets);
    }

    /// <summary>Lists the handling spans, telling a remount (device frame) from the vertical before and after each.</summary>
    public static void Collect(
        ReadOnlySpan<MotionFlags> flags, ReadOnlySpan<float> rotation,
        ReadOnlySpan<float> ax, ReadOnlySpan<float> ay, ReadOnlySpan<float> az,
        VehicleMotion motion, GpsSeries gps, List<PhoneHandling> handling, bool earth, VehicleFrameOptions options)
    {
        var n = flags.Length;
        var window = (int)Math.Round(10 / options.BinSeconds);
        var cosLimit = Math.Cos(options.RemountAngleDeg * Math.PI / 180);
        var i = 0;
        while (i < n)
        {
            if ((flags[i] & MotionFlags.Handling) == 0)
            {
                i++;
                continue;
            }

            var stop = i;
            float peak = 0;
            while (stop < n && (flags[stop] & MotionFlags.Handling) != 0)
            {
                peak = Math.Max(peak, rotation[stop]);
                stop++;
            }

            var remounted = false;
            if (!earth)
            {
                var before = MeanDirection(flags, ax, ay, az, Math.Max(0, i - window), i);
                var after = MeanDirection(flags, ax, ay, az, stop, Math.Min(n, stop + window));
                remounted = before.Length > 0 && after.Length > 0 && before.Dot(after) < cosLimit;
            }

            handling.Add(new PhoneHandling(motion.TimeNs(i), motion.TimeNs(stop), peak, remounted, Moving(gps, motion.TimeNs(i), motion.TimeNs(stop))));
            i = stop;
        }
    }

    // 2 m/s: above a GPS's standstill speed noise, below any driving.
    private static bool? Moving(GpsSeries gps, long from, long to)
    {
        bool? moving = null;
        var time = gps.TimeNs;
        var speed = gps.SpeedMps;
        for (var k = 0; k < time.Length; k++)
        {
            if (time[k] >= from && time[k] <= to && !float.IsNaN(speed[k]))
            {
                if (speed[k] >= 2)
                {
                    return true;
                }

                moving = false;
            }
        }

        return moving;
    }

    private static Vector3D MeanDirection(ReadOnlySpan<MotionFlags> flags, ReadOnlySpan<float> ax, ReadOnlySpan<float> ay, ReadOnlySpan<float> az, int from, int to)
    {
        double x = 0, y = 0, z = 0;
        for (var k = from; k < to; k++)
        {
            if (flags[k] == MotionFlags.Valid || flags[k] == (MotionFlags.Valid | MotionFlags.FrameUnresolved))
            {
                x += ax[k];
                y += ay[k];
                z += az[k];
            }
        }

        return new Vector3D(x, y, z).Normalized();
    }
}
