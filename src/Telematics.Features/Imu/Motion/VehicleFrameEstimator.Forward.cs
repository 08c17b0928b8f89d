namespace Telematics.Features.Imu.Motion;

// The forward direction in the horizontal plane, from straight-line speed changes, turns and GPS.
public sealed partial class VehicleFrameEstimator
{
    /// <summary>Estimates the forward direction over windows of the segment and writes the vehicle-frame motion.</summary>
    private void Forward(VehicleMotion motion, int start, int stop, bool earth)
    {
        // Seven prefix sums per bin: straight-driving second moments (xx, xy, yy) and count, turn correlation (x, y) and its scale.
        const int Stride = 9;
        var length = stop - start;
        var p = _p.AsSpan(0, Stride * (length + 1));
        for (var k = 0; k < Stride; k++)
        {
            // Not p[..Stride].Clear(): .NET 10 inlines that as a 512-bit store and then calls the C runtime's Atan2 below
            // without a vzeroupper; on Intel its legacy-SSE instructions pay for the dirty upper register state (the
            // Earth-frame chain ran 5× slower on a Xeon, not at all on AMD Zen).
            p[k] = 0;
        }

        var straight = _options.StraightYawRateRadS;
        var axisAcc2 = _options.AxisAccelerationMps2 * _options.AxisAccelerationMps2;
        var dt = _options.BinSeconds;
        for (var i = start; i < stop; i++)
        {
            var k = Stride * (i - start + 1);
            var h1 = (double)_h1[i];
            var h2 = (double)_h2[i];
            var yaw = (double)_yaw[i];
            var magnitude2 = (h1 * h1) + (h2 * h2);
            var isStraight = Math.Abs(yaw) < straight && magnitude2 > axisAcc2;
            p[k] = p[k - Stride] + (isStraight ? h1 * h1 : 0);
            p[k + 1] = p[k + 1 - Stride] + (isStraight ? h1 * h2 : 0);
            p[k + 2] = p[k + 2 - Stride] + (isStraight ? h2 * h2 : 0);
            var turning = Math.Abs(yaw) >= straight;
            p[k + 3] = p[k + 3 - Stride] + (turning ? h1 * yaw * dt : 0);
            p[k + 4] = p[k + 4 - Stride] + (turning ? h2 * yaw * dt : 0);
            p[k + 5] = p[k + 5 - Stride] + (turning ? Math.Sqrt(magnitude2) * Math.Abs(yaw) * dt : 0);

            // GPS speed change: forward is where the acceleration points while the speed grows.
            var dv = _dv[i];
            var hasDv = !float.IsNaN(dv) && magnitude2 > axisAcc2;
            p[k + 6] = p[k + 6 - Stride] + (hasDv ? h1 * dv * dt : 0);
            p[k + 7] = p[k + 7 - Stride] + (hasDv ? h2 * dv * dt : 0);
            p[k + 8] = p[k + 8 - Stride] + (hasDv ? Math.Sqrt(magnitude2) * Math.Abs(dv) * dt : 0);
        }

        var half = earth ? (int)(_options.ForwardWindowSeconds / _options.BinSeconds) : length;
        var longitudinal = motion.Longitudinal;
        var lateral = motion.Lateral;
        var yawOut = motion.Yaw;
        var flags = motion.FlagsMutable;
        var cos = 0.0;
        var sin = 0.0;
        var resolved = false;
        var lastLo = -1;
        var lastHi = -1;
        for (var i = start; i < stop; i++)
        {
            var w = half;
            int lo, hi;
            while (true)
            {
                lo = Math.Max(0, i - start - w);
                hi = Math.Min(length, i - start + w + 1);
                if (p[(Stride * hi) + 5] - p[(Stride * lo) + 5] >= _options.MinTurnEvidence
                    || p[(Stride * hi) + 8] - p[(Stride * lo) + 8] >= _options.MinSpeedChangeEvidence
                    || w >= 8 * half || (lo == 0 && hi == length))
                {
                    break;
                }

                w *= 2;
            }

            if (lo != lastLo || hi != lastHi)
            {
                resolved = Direction(p, Stride, lo, hi, out cos, out sin);
                lastLo = lo;
                lastHi = hi;
            }

            var h1 = _h1[i];
            var h2 = _h2[i];
            longitudinal[i] = (float)((h1 * cos) + (h2 * sin));
            lateral[i] = (float)((-h1 * sin) + (h2 * cos));
            yawOut[i] = _yaw[i];
            if (!resolved && flags[i] != MotionFlags.None)
            {
                flags[i] |= MotionFlags.FrameUnresolved;
            }
        }
    }

    /// <summary>The forward unit vector (cos, sin) in (h1, h2) from window sums; false when turns cannot sign it.</summary>
    private bool Direction(ReadOnlySpan<double> p, int stride, int lo, int hi, out double cos, out double sin)
    {
        var a = stride * lo;
        var b = stride * hi;
        var sxx = p[b] - p[a];
        var sxy = p[b + 1] - p[a + 1];
        var syy = p[b + 2] - p[a + 2];
        var lx = p[b + 3] - p[a + 3];
        var ly = p[b + 4] - p[a + 4];
        var evidence = p[b + 5] - p[a + 5];

        var gx = p[b + 6] - p[a + 6];
        var gy = p[b + 7] - p[a + 7];
        var gpsEvidence = p[b + 8] - p[a + 8];

        // Left is where acceleration × yaw rate points; forward is a quarter turn clockwise from it. With GPS, forward is
        // where acceleration × speed change points, which needs no turns.
        var turnAngle = Math.Atan2(ly, lx) - (Math.PI / 2);
        var signed = evidence >= _options.MinTurnEvidence && Math.Sqrt((lx * lx) + (ly * ly)) >= 0.2 * evidence;
        if (gpsEvidence >= _options.MinSpeedChangeEvidence && Math.Sqrt((gx * gx) + (gy * gy)) >= 0.3 * gpsEvidence)
        {
            turnAngle = Math.Atan2(gy, gx);
            signed = true;
        }
        var spread = sxx + syy;
        var anisotropy = spread > 0 ? Math.Sqrt(((sxx - syy) * (sxx - syy)) + (4 * sxy * sxy)) / spread : 0;
        var angle = turnAngle;
        if (anisotropy >= 0.3)
        {
            // Straight-line speed changes give the axis precisely, but a bend taken fast has a low yaw rate and a real
            // lateral acceleration (v·ω), so the axis is only taken when it agrees with the turns' within 25°; turns say
            // which end of it is forward.
            var axis = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
            if (Math.Cos(axis - turnAngle) < 0)
            {
                axis += Math.PI;
            }

            if (Math.Cos(axis - turnAngle) >= Math.Cos(25 * Math.PI / 180))
            {
                angle = axis;
            }
        }

        (sin, cos) = Math.SinCos(angle);
        return signed;
    }
}
