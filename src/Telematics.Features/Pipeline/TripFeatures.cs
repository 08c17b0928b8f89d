using Telematics.Features.Schema;

namespace Telematics.Features.Pipeline;

/// <summary>One closed trip of a driver and its feature vector.</summary>
/// <param name="StartUnixMs">Timestamp of the trip's first sample, ms since the Unix epoch, UTC.</param>
/// <param name="EndUnixMs">Timestamp of the trip's last sample, ms since the Unix epoch, UTC.</param>
/// <param name="DistanceKm">Sum of great-circle distances between consecutive samples, km.</param>
/// <param name="SampleCount">Samples in the trip after cleaning.</param>
/// <param name="DroppedRecordCount">Records inside the trip's time span that cleaning dropped.</param>
/// <param name="Features">The features in <see cref="TelematicsFeatures.Schema"/> order (29 values).</param>
public sealed record TripFeatures(
    long StartUnixMs,
    long EndUnixMs,
    double DistanceKm,
    int SampleCount,
    long DroppedRecordCount,
    ReadOnlyMemory<float> Features)
{
    /// <summary>The value of one feature by name.</summary>
    /// <param name="name">A name from <see cref="TelematicsFeatures"/>.</param>
    /// <exception cref="KeyNotFoundException">The schema has no feature of that name.</exception>
    public float this[string name] => Features.Span[TelematicsFeatures.Schema.IndexOf(name)];

    /// <summary>
    /// The trip's additive totals and histograms (the <see cref="Aggregation.DriverAggregate"/> state format), from which
    /// drivers' vectors over any set of trips are combined exactly with <see cref="Aggregation.DriverAggregate.AddState"/>;
    /// empty when the trip was not measured by a <see cref="DriverFeaturePipeline"/>.
    /// </summary>
    public ReadOnlyMemory<byte> State { get; init; }
}
