namespace Telematics.Features.Imu.Motion;

/// <summary>
/// Turns a phone recording in any mounting into the vehicle's longitudinal and lateral acceleration and yaw rate, and
/// finds where the phone itself was handled.
/// </summary>
/// <remarks>
/// <para>
/// Readings are averaged onto a regular grid (<see cref="VehicleFrameOptions.BinSeconds"/>). Rotation of the phone about
/// horizontal axes (or a yaw rate no car reaches) marks handling: those bins are flagged and not scored, and the frame is
/// estimated afresh on each side of them. The vertical is the window mean of the accelerometer (device frame) or z (Earth
/// frame); yaw rate is the gyroscope about it. In the Earth frame the horizontal acceleration is turned back by the
/// integrated yaw so that the vehicle's axes stay put between turns.
/// </para>
/// <para>
/// The forward axis is the principal axis of the horizontal acceleration while driving straight (speed changes are along
/// the vehicle). Its sign comes from turns: centripetal acceleration points to the inside of a turn, the side the yaw
/// rate turns towards, so the sum of acceleration × yaw rate points left whatever the mounting. Where a window holds no
/// turn the sign cannot be told (a guess from braking being harsher than acceleration would be wrong for many drivers),
/// and its bins are flagged <see cref="MotionFlags.FrameUnresolved"/>.
/// </para>
/// <para>Allocation-free once its buffers have grown to the longest recording. Not thread-safe: one per thread.</para>
/// </remarks>
public sealed class VehicleFrameEstimator
{
    // Up to 24 h at the finest grid: beyond that the input is not one trip (or its clock is broken).
    private const long MaxBins = 24L * 3600 * 100;

    // Earth frame: the heading is carried across gaps up to this long (a turn takes longer than a few seconds, so a
    // linear yaw rate across the gap is close); after a longer one the forward direction is estimated afresh.
    private const double LongGapSeconds = 10;

    private readonly VehicleFrameOptions _options;
    private float[] _ax = [], _ay = [], _az = [], _wx = [], _wy = [], _wz = [], _h1 = [], _h2 = [], _yaw = [], _rotation = [], _dv = [];
    private int[] _countA = [], _countW = [];
    private double[] _p = [];

    /// <summary>Creates an estimator.</summary>
    /// <param name="options">Options; default <see cref="VehicleFrameOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public VehicleFrameEstimator(VehicleFrameOptions? options = null)
    {
        _options = options ?? new VehicleFrameOptions();
        _options.Validate();
    }

    /// <summary>The options in use.</summary>
    public VehicleFrameOptions Options => _options;

    /// <summary>Fills <paramref name="motion"/> from <paramref name="recording"/> and lists the spans the phone was handled in.</summary>
    /// <param name="recording">Accelerometer (or, in the Earth frame, linear acceleration) and gyroscope readings.</param>
    /// <param name="motion">Destination, resized to the recording.</param>
    /// <param name="handling">Cleared and filled with the handling spans, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The recording lacks a sensor the frame needs, or spans more than 24 hours.</exception>
    public void Estimate(ImuRecording recording, VehicleMotion motion, List<PhoneHandling>? handling = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(motion);
        handling?.Clear();
        var earth = recording.Frame == SensorFrame.Earth;
        var acc = recording.Accelerometer.Count > 0 ? recording.Accelerometer : recording.LinearAcceleration;
        if (!earth && recording.Accelerometer.Count == 0)
        {
            throw new ArgumentException("Device-frame input needs the accelerometer with gravity: the vertical comes from it.", nameof(recording));
        }

        var gyro = recording.Gyroscope;
        if (acc.Count == 0 || gyro.Count == 0)
        {
            throw new ArgumentException("The recording needs acceleration and gyroscope readings.", nameof(recording));
        }

        var binNs = (long)Math.Round(_options.BinSeconds * 1e9);
        var start = Math.Min(acc.TimeNs[0], gyro.TimeNs[0]);
        start -= start % binNs;
        var end = Math.Max(acc.TimeNs[^1], gyro.TimeNs[^1]);
        var bins = ((end - start) / binNs) + 1;
        if (bins > MaxBins)
        {
            throw new ArgumentException($"The recording spans {(end - start) / 3.6e12:F1} h; one trip of at most 24 h is expected.", nameof(recording));
        }

        var n = (int)bins;
        Grow(n);
        motion.Reset(start, binNs, n);
        var bridge = (int)(_options.MaxBridgedGapSeconds / _options.BinSeconds);
        SensorBinning.Average(acc, start, binNs, _ax.AsSpan(0, n), _ay.AsSpan(0, n), _az.AsSpan(0, n), _countA.AsSpan(0, n), bridge);
        SensorBinning.Average(gyro, start, binNs, _wx.AsSpan(0, n), _wy.AsSpan(0, n), _wz.AsSpan(0, n), _countW.AsSpan(0, n), bridge);
        var flags = motion.FlagsMutable;
        for (var i = 0; i < n; i++)
        {
            flags[i] = float.IsNaN(_ax[i]) || float.IsNaN(_wx[i]) ? MotionFlags.None : MotionFlags.Valid;
        }

        GpsSpeedChange.PerBin(recording.Gps, start, binNs, _dv.AsSpan(0, n));
        HandlingDetector.Mark(_ax.AsSpan(0, n), _ay.AsSpan(0, n), _az.AsSpan(0, n), _wx.AsSpan(0, n), _wy.AsSpan(0, n), _wz.AsSpan(0, n), flags, earth, _options, _rotation.AsSpan(0, n));

        var longGap = (int)(LongGapSeconds / _options.BinSeconds);
        var segment = 0;
        while (segment < n)
        {
            // Only handling splits the recording: across a gap the phone is still where it was.
            if ((flags[segment] & MotionFlags.Handling) != 0)
            {
                segment++;
                continue;
            }

            // In the Earth frame a long gap splits it too: a yaw rate guessed across it could miss a whole turn, so the
            // vehicle's axes are found afresh after it.
            var stop = segment;
            var empty = 0;
            while (stop < n && (flags[stop] & MotionFlags.Handling) == 0 && !(earth && empty > longGap))
            {
                empty = flags[stop] == MotionFlags.None ? empty + 1 : 0;
                stop++;
            }

            Horizontal(segment, stop, earth, flags);
            Forward(motion, segment, stop, earth);
            segment = stop;
        }

        if (handling is not null)
        {
            HandlingDetector.Collect(flags, _rotation.AsSpan(0, n), _ax.AsSpan(0, n), _ay.AsSpan(0, n), _az.AsSpan(0, n), motion, recording.Gps, handling, earth, _options);
        }
    }

    /// <summary>Fills the horizontal acceleration (h1, h2) and yaw rate of a segment.</summary>
    private void Horizontal(int start, int stop, bool earth, ReadOnlySpan<MotionFlags> flags)
    {
        if (earth)
        {
            // Turn the Earth-frame acceleration back by the yaw integrated since the segment's start: the vehicle's axes
            // then stay fixed in (h1, h2) through turns, as a mounted phone's do.
            var dt = _options.BinSeconds;
            double psi = 0;
            for (var i = start; i < stop; i++)
            {
                if (flags[i] == MotionFlags.None)
                {
                    _h1[i] = _h2[i] = _yaw[i] = 0;
                    if (i > start && flags[i - 1] != MotionFlags.None)
                    {
                        // The vehicle goes on turning through a gap: without the heading it gained there, everything
                        // after would sit in a rotated frame. The yaw rate is taken to change linearly across the gap.
                        var next = i;
                        while (next < stop && flags[next] == MotionFlags.None)
                        {
                            next++;
                        }

                        if (next < stop)
                        {
                            psi += 0.5 * (_wz[i - 1] + _wz[next]) * (next - i) * dt;
                        }
                    }

                    continue;
                }

                var (sin, cos) = Math.SinCos(psi);
                _h1[i] = (float)((cos * _ax[i]) + (sin * _ay[i]));
                _h2[i] = (float)((-sin * _ax[i]) + (cos * _ay[i]));
                _yaw[i] = _wz[i];
                psi += _wz[i] * dt;
            }

            return;
        }

        // Prefix sums of the accelerometer give the window mean (gravity) at every bin in O(1).
        var p = _p.AsSpan(0, 3 * (stop - start + 1));
        p[0] = p[1] = p[2] = 0;
        for (var i = start; i < stop; i++)
        {
            var k = 3 * (i - start + 1);
            var valid = flags[i] != MotionFlags.None;
            p[k] = p[k - 3] + (valid ? _ax[i] : 0);
            p[k + 1] = p[k - 2] + (valid ? _ay[i] : 0);
            p[k + 2] = p[k - 1] + (valid ? _az[i] : 0);
        }

        var total = stop - start;
        var mean = new Vector3D(p[3 * total], p[(3 * total) + 1], p[(3 * total) + 2]).Normalized();

        // A horizontal reference fixed for the segment: the phone axis least aligned with the vertical.
        var reference = Math.Abs(mean.X) <= Math.Abs(mean.Y) && Math.Abs(mean.X) <= Math.Abs(mean.Z) ? new Vector3D(1, 0, 0)
            : Math.Abs(mean.Y) <= Math.Abs(mean.Z) ? new Vector3D(0, 1, 0) : new Vector3D(0, 0, 1);
        var half = (int)(_options.GravityWindowSeconds / _options.BinSeconds);
        for (var i = start; i < stop; i++)
        {
            if (flags[i] == MotionFlags.None)
            {
                _h1[i] = _h2[i] = _yaw[i] = 0;
                continue;
            }

            var lo = Math.Max(start, i - half) - start;
            var hi = Math.Min(stop, i + half + 1) - start;
            var up = new Vector3D(p[3 * hi] - p[3 * lo], p[(3 * hi) + 1] - p[(3 * lo) + 1], p[(3 * hi) + 2] - p[(3 * lo) + 2]).Normalized();
            var e1 = (reference - (up * reference.Dot(up))).Normalized();
            var e2 = up.Cross(e1);
            var a = new Vector3D(_ax[i], _ay[i], _az[i]);
            _h1[i] = (float)a.Dot(e1);
            _h2[i] = (float)a.Dot(e2);
            _yaw[i] = (float)new Vector3D(_wx[i], _wy[i], _wz[i]).Dot(up);
        }
    }

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

    private void Grow(int n)
    {
        if (_ax.Length >= n)
        {
            return;
        }

        var size = Math.Max(n, _ax.Length * 2);
        _ax = new float[size];
        _ay = new float[size];
        _az = new float[size];
        _wx = new float[size];
        _wy = new float[size];
        _wz = new float[size];
        _h1 = new float[size];
        _h2 = new float[size];
        _yaw = new float[size];
        _rotation = new float[size];
        _countA = new int[size];
        _countW = new int[size];
        _p = new double[9 * (size + 1)];
        _dv = new float[size];
    }
}
