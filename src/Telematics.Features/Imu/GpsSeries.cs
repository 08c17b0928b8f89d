namespace Telematics.Features.Imu;

/// <summary>
/// A phone's GPS fixes beside its motion sensors, as columns: time, position and speed (NaN when the logger wrote none).
/// Optional: with it the vehicle's forward direction is signed by speed changes instead of by turns.
/// </summary>
public sealed class GpsSeries
{
    private long[] _timeNs = new long[64];
    private double[] _latitude = new double[64];
    private double[] _longitude = new double[64];
    private float[] _speed = new float[64];

    /// <summary>Number of fixes.</summary>
    public int Count { get; private set; }

    /// <summary>Fix times in nanoseconds on the recording's clock.</summary>
    public ReadOnlySpan<long> TimeNs => _timeNs.AsSpan(0, Count);

    /// <summary>Latitudes in degrees.</summary>
    public ReadOnlySpan<double> LatitudeDeg => _latitude.AsSpan(0, Count);

    /// <summary>Longitudes in degrees.</summary>
    public ReadOnlySpan<double> LongitudeDeg => _longitude.AsSpan(0, Count);

    /// <summary>Speeds in m/s, NaN where the fix has none.</summary>
    public ReadOnlySpan<float> SpeedMps => _speed.AsSpan(0, Count);

    /// <summary>Appends one fix.</summary>
    /// <param name="timeNs">Time in nanoseconds.</param>
    /// <param name="latitudeDeg">Latitude in degrees.</param>
    /// <param name="longitudeDeg">Longitude in degrees.</param>
    /// <param name="speedMps">Speed in m/s, or NaN.</param>
    public void Add(long timeNs, double latitudeDeg, double longitudeDeg, float speedMps)
    {
        if (Count == _timeNs.Length)
        {
            var size = Count * 2;
            Array.Resize(ref _timeNs, size);
            Array.Resize(ref _latitude, size);
            Array.Resize(ref _longitude, size);
            Array.Resize(ref _speed, size);
        }

        _timeNs[Count] = timeNs;
        _latitude[Count] = latitudeDeg;
        _longitude[Count] = longitudeDeg;
        _speed[Count] = speedMps;
        Count++;
    }

    /// <summary>Forgets every fix, keeping the arrays.</summary>
    public void Clear() => Count = 0;

    /// <summary>Writable time column, for the readers' rescaling.</summary>
    internal Span<long> TimeNsMutable => _timeNs.AsSpan(0, Count);
}
