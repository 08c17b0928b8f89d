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
/// frame); yaw rate is the gyroscope about it (in the Earth frame about the axis the turns show, which a logged rotation
/// off the true vertical tilts from z). In the Earth frame the horizontal acceleration is turned back by the
/// integrated yaw (less the gyroscope's bias, estimated per placement of the phone or else from the whole trip) so that
/// the vehicle's axes stay put between turns.
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
public sealed partial class VehicleFrameEstimator
{
    // Up to 24 h at the finest grid: beyond that the input is not one trip (or its clock is broken).
    private const long MaxBins = 24L * 3600 * 100;

    // Earth frame: the heading is carried across gaps up to this long (a turn takes longer than a few seconds, so a
    // linear yaw rate across the gap is close); after a longer one the forward direction is estimated afresh.
    private const double LongGapSeconds = 10;

    // Earth frame: the gyroscope's bias about the vertical needs at least 30 s of near-straight driving or standing. It
    // is the sensor's bias projected on the vertical in the phone's frame, so it holds while the phone stays put (across
    // gaps) and changes only when it is moved, which is handling: it is estimated per placement (the bins between two
    // handlings), and a placement too short for that takes the whole trip's estimate, which is right for the phone's
    // usual placement and far closer than 0 for another (0.02 rad/s uncorrected turns the axes 29° in 25 s). (In the
    // device frame nothing integrates it, and the simulator shows a 0.02 rad/s bias does not change what is found.)
    private const double MinBiasSeconds = 30;

    private readonly VehicleFrameOptions _options;
    private float[] _ax = [], _ay = [], _az = [], _wx = [], _wy = [], _wz = [], _h1 = [], _h2 = [], _yaw = [], _rotation = [], _dv = [];
    private int[] _countA = [], _countW = [];
    private double[] _p = [];

    // Earth frame: z rate → yaw rate, 1 / cos of the logged frame's tilt from the vehicle's turning axis.
    private double _yawScale = 1;

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
        _yawScale = HandlingDetector.Mark(_ax.AsSpan(0, n), _ay.AsSpan(0, n), _az.AsSpan(0, n), _wx.AsSpan(0, n), _wy.AsSpan(0, n), _wz.AsSpan(0, n), flags, earth, _options, _rotation.AsSpan(0, n));

        var longGap = (int)(LongGapSeconds / _options.BinSeconds);
        var minBiasBins = (int)(MinBiasSeconds / _options.BinSeconds);
        var tripBias = 0f;
        if (earth)
        {
            YawRateBias.TryEstimate(_wz.AsSpan(0, n), flags, minBiasBins, out tripBias);
        }

        var bias = tripBias;
        var segment = 0;
        while (segment < n)
        {
            // Only handling splits the recording: across a gap the phone is still where it was.
            if ((flags[segment] & MotionFlags.Handling) != 0)
            {
                segment++;
                continue;
            }

            if (earth && (segment == 0 || (flags[segment - 1] & MotionFlags.Handling) != 0))
            {
                var placement = segment;
                while (placement < n && (flags[placement] & MotionFlags.Handling) == 0)
                {
                    placement++;
                }

                bias = YawRateBias.TryEstimate(_wz.AsSpan(segment, placement - segment), flags[segment..placement], minBiasBins, out var own) ? own : tripBias;
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

            Horizontal(segment, stop, earth, flags, bias);
            Forward(motion, segment, stop, earth);
            segment = stop;
        }

        if (handling is not null)
        {
            HandlingDetector.Collect(flags, _rotation.AsSpan(0, n), _ax.AsSpan(0, n), _ay.AsSpan(0, n), _az.AsSpan(0, n), motion, recording.Gps, handling, earth, _options);
        }
    }

    /// <summary>Fills the horizontal acceleration (h1, h2) and yaw rate of a segment.</summary>
    private void Horizontal(int start, int stop, bool earth, ReadOnlySpan<MotionFlags> flags, float bias)
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
                            psi += ((0.5 * (_wz[i - 1] + _wz[next])) - bias) * _yawScale * (next - i) * dt;
                        }
                    }

                    continue;
                }

                var (sin, cos) = Math.SinCos(psi);
                _h1[i] = (float)((cos * _ax[i]) + (sin * _ay[i]));
                _h2[i] = (float)((-sin * _ax[i]) + (cos * _ay[i]));
                _yaw[i] = (float)((_wz[i] - bias) * _yawScale);
                psi += _yaw[i] * dt;
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
