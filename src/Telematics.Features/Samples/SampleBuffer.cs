namespace Telematics.Features.Samples;

/// <summary>
/// A growable run of samples stored as struct-of-arrays: one contiguous column per field, so hot paths read
/// only the columns they need.
/// </summary>
/// <remarks>
/// The column spans returned by the properties are valid until the next call that grows the buffer
/// (<see cref="Add"/>, <see cref="EnsureCapacity"/>). Missing floating-point values are NaN. Not thread-safe
/// for writing; any number of readers may share a buffer that nobody writes.
/// </remarks>
public sealed class SampleBuffer
{
    /// <summary>Initial capacity when none is given.</summary>
    public const int DefaultCapacity = 1024;

    private long[] _timestampUnixMs;
    private double[] _latitudeDeg;
    private double[] _longitudeDeg;
    private float[] _speedMps;
    private float[] _headingDeg;
    private float[] _longitudinalAccelMps2;
    private float[] _lateralAccelMps2;
    private float[] _gpsAccuracyM;
    private float[] _speedLimitMps;
    private RoadClass[] _roadClass;
    private SampleFlags[] _flags;
    private long[] _eventId;

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="capacity">Number of samples the buffer holds before it grows; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public SampleBuffer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _timestampUnixMs = new long[capacity];
        _latitudeDeg = new double[capacity];
        _longitudeDeg = new double[capacity];
        _speedMps = new float[capacity];
        _headingDeg = new float[capacity];
        _longitudinalAccelMps2 = new float[capacity];
        _lateralAccelMps2 = new float[capacity];
        _gpsAccuracyM = new float[capacity];
        _speedLimitMps = new float[capacity];
        _roadClass = new RoadClass[capacity];
        _flags = new SampleFlags[capacity];
        _eventId = new long[capacity];
    }

    /// <summary>Number of samples in the buffer.</summary>
    public int Count { get; private set; }

    /// <summary>Number of samples the buffer holds before it must grow.</summary>
    public int Capacity => _timestampUnixMs.Length;

    /// <summary>Timestamps, milliseconds since the Unix epoch, UTC.</summary>
    public Span<long> TimestampUnixMs => _timestampUnixMs.AsSpan(0, Count);

    /// <summary>WGS84 latitudes in degrees.</summary>
    public Span<double> LatitudeDeg => _latitudeDeg.AsSpan(0, Count);

    /// <summary>WGS84 longitudes in degrees.</summary>
    public Span<double> LongitudeDeg => _longitudeDeg.AsSpan(0, Count);

    /// <summary>Ground speeds in m/s; NaN where missing.</summary>
    public Span<float> SpeedMps => _speedMps.AsSpan(0, Count);

    /// <summary>Headings in degrees clockwise from north; NaN where missing.</summary>
    public Span<float> HeadingDeg => _headingDeg.AsSpan(0, Count);

    /// <summary>Longitudinal accelerations in m/s², positive forwards; NaN where missing.</summary>
    public Span<float> LongitudinalAccelMps2 => _longitudinalAccelMps2.AsSpan(0, Count);

    /// <summary>Lateral accelerations in m/s², positive to the left; NaN where missing.</summary>
    public Span<float> LateralAccelMps2 => _lateralAccelMps2.AsSpan(0, Count);

    /// <summary>GPS accuracy radii in metres; NaN where missing.</summary>
    public Span<float> GpsAccuracyM => _gpsAccuracyM.AsSpan(0, Count);

    /// <summary>Posted speed limits in m/s; NaN where not known.</summary>
    public Span<float> SpeedLimitMps => _speedLimitMps.AsSpan(0, Count);

    /// <summary>Road classes; <see cref="RoadClass.Unknown"/> where missing.</summary>
    public Span<RoadClass> RoadClass => _roadClass.AsSpan(0, Count);

    /// <summary>Phone-use flags.</summary>
    public Span<SampleFlags> Flags => _flags.AsSpan(0, Count);

    /// <summary>Source event identifiers; 0 where the source has none.</summary>
    public Span<long> EventId => _eventId.AsSpan(0, Count);

    /// <summary>Appends one sample, growing the columns when full.</summary>
    /// <param name="sample">The sample to append.</param>
    public void Add(in TelematicsSample sample)
    {
        if (Count == Capacity)
        {
            EnsureCapacity(Count + 1);
        }

        var i = Count;
        _timestampUnixMs[i] = sample.TimestampUnixMs;
        _latitudeDeg[i] = sample.LatitudeDeg;
        _longitudeDeg[i] = sample.LongitudeDeg;
        _speedMps[i] = sample.SpeedMps;
        _headingDeg[i] = sample.HeadingDeg;
        _longitudinalAccelMps2[i] = sample.LongitudinalAccelMps2;
        _lateralAccelMps2[i] = sample.LateralAccelMps2;
        _gpsAccuracyM[i] = sample.GpsAccuracyM;
        _speedLimitMps[i] = sample.SpeedLimitMps;
        _roadClass[i] = sample.RoadClass;
        _flags[i] = sample.Flags;
        _eventId[i] = sample.EventId;
        Count = i + 1;
    }

    /// <summary>
    /// Appends <paramref name="count"/> samples whose values the caller then writes through the column spans (which
    /// include them once this returns), growing the columns when needed; every column of the new rows must be written.
    /// </summary>
    /// <returns>Index of the first appended sample.</returns>
    internal int AppendUnset(int count)
    {
        var first = Count;
        EnsureCapacity(first + count);
        Count = first + count;
        return first;
    }

    /// <summary>Returns the sample at <paramref name="index"/> in row form.</summary>
    /// <param name="index">Zero-based index, less than <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the buffer.</exception>
    public TelematicsSample this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return new TelematicsSample(_timestampUnixMs[index], _latitudeDeg[index], _longitudeDeg[index])
            {
                SpeedMps = _speedMps[index],
                HeadingDeg = _headingDeg[index],
                LongitudinalAccelMps2 = _longitudinalAccelMps2[index],
                LateralAccelMps2 = _lateralAccelMps2[index],
                GpsAccuracyM = _gpsAccuracyM[index],
                SpeedLimitMps = _speedLimitMps[index],
                RoadClass = _roadClass[index],
                Flags = _flags[index],
                EventId = _eventId[index],
            };
        }
    }

    /// <summary>Removes every sample; the capacity is kept.</summary>
    public void Clear() => Count = 0;

    /// <summary>Shortens the buffer to its first <paramref name="count"/> samples.</summary>
    /// <param name="count">New count, from 0 to <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or above <see cref="Count"/>.</exception>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        Count = count;
    }

    /// <summary>Appends a copy of every sample of <paramref name="source"/>, column by column; grows when needed.</summary>
    /// <param name="source">The samples to append; not this buffer.</param>
    /// <exception cref="ArgumentException"><paramref name="source"/> is this buffer.</exception>
    public void AddRange(SampleBuffer source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (ReferenceEquals(source, this))
        {
            throw new ArgumentException("A buffer cannot be appended to itself.", nameof(source));
        }

        var at = Count;
        var n = source.Count;
        EnsureCapacity(at + n);
        source._timestampUnixMs.AsSpan(0, n).CopyTo(_timestampUnixMs.AsSpan(at));
        source._latitudeDeg.AsSpan(0, n).CopyTo(_latitudeDeg.AsSpan(at));
        source._longitudeDeg.AsSpan(0, n).CopyTo(_longitudeDeg.AsSpan(at));
        source._speedMps.AsSpan(0, n).CopyTo(_speedMps.AsSpan(at));
        source._headingDeg.AsSpan(0, n).CopyTo(_headingDeg.AsSpan(at));
        source._longitudinalAccelMps2.AsSpan(0, n).CopyTo(_longitudinalAccelMps2.AsSpan(at));
        source._lateralAccelMps2.AsSpan(0, n).CopyTo(_lateralAccelMps2.AsSpan(at));
        source._gpsAccuracyM.AsSpan(0, n).CopyTo(_gpsAccuracyM.AsSpan(at));
        source._speedLimitMps.AsSpan(0, n).CopyTo(_speedLimitMps.AsSpan(at));
        source._roadClass.AsSpan(0, n).CopyTo(_roadClass.AsSpan(at));
        source._flags.AsSpan(0, n).CopyTo(_flags.AsSpan(at));
        source._eventId.AsSpan(0, n).CopyTo(_eventId.AsSpan(at));
        Count = at + n;
    }

    /// <summary>Grows the columns so that at least <paramref name="capacity"/> samples fit.</summary>
    /// <param name="capacity">Required capacity.</param>
    public void EnsureCapacity(int capacity)
    {
        if (capacity <= Capacity)
        {
            return;
        }

        var newCapacity = Math.Max(capacity, (int)Math.Min(Array.MaxLength, 2L * Capacity));
        Array.Resize(ref _timestampUnixMs, newCapacity);
        Array.Resize(ref _latitudeDeg, newCapacity);
        Array.Resize(ref _longitudeDeg, newCapacity);
        Array.Resize(ref _speedMps, newCapacity);
        Array.Resize(ref _headingDeg, newCapacity);
        Array.Resize(ref _longitudinalAccelMps2, newCapacity);
        Array.Resize(ref _lateralAccelMps2, newCapacity);
        Array.Resize(ref _gpsAccuracyM, newCapacity);
        Array.Resize(ref _speedLimitMps, newCapacity);
        Array.Resize(ref _roadClass, newCapacity);
        Array.Resize(ref _flags, newCapacity);
        Array.Resize(ref _eventId, newCapacity);
    }
}
