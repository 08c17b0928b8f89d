using Telematics.Features.Samples;

namespace Telematics.Features.Extraction;

/// <summary>A read-only window over a run of samples in a <see cref="SampleBuffer"/>: the columns feature extraction reads.</summary>
/// <remarks>Valid while the buffer is not grown or rewritten. Creating and slicing a span allocates nothing.</remarks>
public readonly ref struct SampleSpan
{
    private readonly SampleBuffer _buffer;
    private readonly int _start;

    /// <summary>A window over every sample of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The samples.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    public SampleSpan(SampleBuffer buffer)
        : this(buffer, 0, buffer?.Count ?? 0)
    {
    }

    /// <summary>A window over <paramref name="length"/> samples of <paramref name="buffer"/> from <paramref name="start"/>.</summary>
    /// <param name="buffer">The samples.</param>
    /// <param name="start">Index of the first sample.</param>
    /// <param name="length">Number of samples.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the buffer.</exception>
    public SampleSpan(SampleBuffer buffer, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, buffer.Count - length);
        _buffer = buffer;
        _start = start;
        Length = length;
    }

    /// <summary>Number of samples in the window.</summary>
    public int Length { get; }

    /// <summary>Timestamps, ms since the Unix epoch, UTC.</summary>
    public ReadOnlySpan<long> TimestampUnixMs => _buffer.TimestampUnixMs.Slice(_start, Length);

    /// <summary>Latitudes, degrees.</summary>
    public ReadOnlySpan<double> LatitudeDeg => _buffer.LatitudeDeg.Slice(_start, Length);

    /// <summary>Longitudes, degrees.</summary>
    public ReadOnlySpan<double> LongitudeDeg => _buffer.LongitudeDeg.Slice(_start, Length);

    /// <summary>Speeds, m/s; NaN where missing.</summary>
    public ReadOnlySpan<float> SpeedMps => _buffer.SpeedMps.Slice(_start, Length);

    /// <summary>Longitudinal accelerations, m/s²; NaN where missing.</summary>
    public ReadOnlySpan<float> LongitudinalAccelMps2 => _buffer.LongitudinalAccelMps2.Slice(_start, Length);

    /// <summary>Lateral accelerations, m/s²; NaN where missing.</summary>
    public ReadOnlySpan<float> LateralAccelMps2 => _buffer.LateralAccelMps2.Slice(_start, Length);

    /// <summary>Posted speed limits, m/s; NaN where not known.</summary>
    public ReadOnlySpan<float> SpeedLimitMps => _buffer.SpeedLimitMps.Slice(_start, Length);

    /// <summary>Road classes.</summary>
    public ReadOnlySpan<RoadClass> RoadClass => _buffer.RoadClass.Slice(_start, Length);

    /// <summary>Phone-use flags.</summary>
    public ReadOnlySpan<SampleFlags> Flags => _buffer.Flags.Slice(_start, Length);

    /// <summary>A narrower window.</summary>
    /// <param name="start">Index of the first sample, relative to this window.</param>
    /// <param name="length">Number of samples.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside this window.</exception>
    public SampleSpan Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, Length - length);
        return new SampleSpan(_buffer, _start + start, length);
    }
}
