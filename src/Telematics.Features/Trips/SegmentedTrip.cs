using Telematics.Features.Samples;

namespace Telematics.Features.Trips;

/// <summary>A closed trip cut by <see cref="TripSegmenter"/>: its own samples and summary figures.</summary>
/// <remarks>The caller owns <see cref="Samples"/> once the trip is handed out.</remarks>
public sealed class SegmentedTrip
{
    internal SegmentedTrip(SampleBuffer samples, double distanceM)
    {
        Samples = samples;
        DistanceM = distanceM;
    }

    /// <summary>The trip's samples, in time order.</summary>
    public SampleBuffer Samples { get; }

    /// <summary>Timestamp of the first sample, ms since the Unix epoch, UTC.</summary>
    public long StartUnixMs => Samples.TimestampUnixMs[0];

    /// <summary>Timestamp of the last sample, ms since the Unix epoch, UTC.</summary>
    public long EndUnixMs => Samples.TimestampUnixMs[Samples.Count - 1];

    /// <summary>Number of samples in the trip.</summary>
    public int SampleCount => Samples.Count;

    /// <summary>Sum of the great-circle distances between consecutive samples, metres.</summary>
    public double DistanceM { get; }
}
