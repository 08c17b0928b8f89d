namespace Telematics.Features.Imu.Motion;

/// <summary>
/// A phone recording turned into the vehicle's motion on a regular time grid (struct-of-arrays): longitudinal and
/// lateral acceleration, yaw rate, and per-bin flags saying what may be scored. Filled by <see cref="VehicleFrameEstimator"/>;
/// reused across recordings without allocating once large enough.
/// </summary>
public sealed class VehicleMotion
{
    private float[] _longitudinal = new float[256];
    private float[] _lateral = new float[256];
    private float[] _yaw = new float[256];
    private MotionFlags[] _flags = new MotionFlags[256];

    /// <summary>Width of a bin in nanoseconds.</summary>
    public long BinNs { get; private set; }

    /// <summary>Start time of bin 0 in nanoseconds (the recording's clock).</summary>
    public long StartNs { get; private set; }

    /// <summary>Number of bins.</summary>
    public int Count { get; private set; }

    /// <summary>Longitudinal acceleration per bin, m/s², positive forward (speeding up).</summary>
    public ReadOnlySpan<float> LongitudinalMps2 => _longitudinal.AsSpan(0, Count);

    /// <summary>Lateral acceleration per bin, m/s², positive to the left (a left turn's centripetal acceleration).</summary>
    public ReadOnlySpan<float> LateralMps2 => _lateral.AsSpan(0, Count);

    /// <summary>Yaw rate per bin, rad/s, positive counter-clockwise seen from above (turning left).</summary>
    public ReadOnlySpan<float> YawRateRadS => _yaw.AsSpan(0, Count);

    /// <summary>What is known of each bin.</summary>
    public ReadOnlySpan<MotionFlags> Flags => _flags.AsSpan(0, Count);

    /// <summary>Start time of bin <paramref name="index"/> in nanoseconds.</summary>
    /// <param name="index">Bin index (may be <see cref="Count"/> for the end of the last bin).</param>
    /// <returns>Its start time.</returns>
    public long TimeNs(int index) => StartNs + (index * BinNs);

    internal Span<float> Longitudinal => _longitudinal.AsSpan(0, Count);

    internal Span<float> Lateral => _lateral.AsSpan(0, Count);

    internal Span<float> Yaw => _yaw.AsSpan(0, Count);

    internal Span<MotionFlags> FlagsMutable => _flags.AsSpan(0, Count);

    internal void Reset(long startNs, long binNs, int count)
    {
        if (_flags.Length < count)
        {
            var size = Math.Max(count, _flags.Length * 2);
            _longitudinal = new float[size];
            _lateral = new float[size];
            _yaw = new float[size];
            _flags = new MotionFlags[size];
        }

        StartNs = startNs;
        BinNs = binNs;
        Count = count;
        _flags.AsSpan(0, count).Clear();
        _longitudinal.AsSpan(0, count).Clear();
        _lateral.AsSpan(0, count).Clear();
        _yaw.AsSpan(0, count).Clear();
    }
}
