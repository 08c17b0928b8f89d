namespace Telematics.Features.Imu;

/// <summary>
/// One sensor's readings as columns (struct-of-arrays): time in nanoseconds and the x, y, z axes. Grows by doubling;
/// <see cref="Clear"/> keeps the arrays, so a series reused across recordings stops allocating.
/// </summary>
public sealed class ImuSeries
{
    private long[] _timeNs;
    private float[] _x;
    private float[] _y;
    private float[] _z;

    /// <summary>Creates an empty series with room for <paramref name="capacity"/> readings.</summary>
    /// <param name="capacity">Initial capacity; at least 1.</param>
    public ImuSeries(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _timeNs = new long[capacity];
        _x = new float[capacity];
        _y = new float[capacity];
        _z = new float[capacity];
    }

    /// <summary>Number of readings.</summary>
    public int Count { get; private set; }

    /// <summary>Reading times in nanoseconds (Unix epoch, or a monotonic clock when <see cref="ImuRecording.IsEpochTime"/> is false).</summary>
    public ReadOnlySpan<long> TimeNs => _timeNs.AsSpan(0, Count);

    /// <summary>The x axis (unit of the sensor: m/s², rad/s or µT).</summary>
    public ReadOnlySpan<float> X => _x.AsSpan(0, Count);

    /// <summary>The y axis.</summary>
    public ReadOnlySpan<float> Y => _y.AsSpan(0, Count);

    /// <summary>The z axis.</summary>
    public ReadOnlySpan<float> Z => _z.AsSpan(0, Count);

    /// <summary>Appends one reading. The analysis leaves out a reading with an axis that is not a finite number, as a missing one.</summary>
    /// <param name="timeNs">Time in nanoseconds.</param>
    /// <param name="x">x axis.</param>
    /// <param name="y">y axis.</param>
    /// <param name="z">z axis.</param>
    public void Add(long timeNs, float x, float y, float z)
    {
        if (Count == _timeNs.Length)
        {
            Grow();
        }

        _timeNs[Count] = timeNs;
        _x[Count] = x;
        _y[Count] = y;
        _z[Count] = z;
        Count++;
    }

    /// <summary>Forgets every reading, keeping the arrays.</summary>
    public void Clear() => Count = 0;

    /// <summary>Writable time column, for in-place fixes by the readers (spreading whole-second stamps).</summary>
    internal Span<long> TimeNsMutable => _timeNs.AsSpan(0, Count);

    private void Grow()
    {
        var size = _timeNs.Length * 2;
        Array.Resize(ref _timeNs, size);
        Array.Resize(ref _x, size);
        Array.Resize(ref _y, size);
        Array.Resize(ref _z, size);
    }
}
