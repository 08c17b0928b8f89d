using Telematics.Features.Aggregation;
using Telematics.Features.Cleaning;

namespace Telematics.Features.Pipeline;

/// <summary>Everything <see cref="DriverFeaturePipeline.RunAsync"/> produced for one driver's stream.</summary>
/// <param name="Trips">The trips, in time order.</param>
/// <param name="Aggregate">The driver's aggregate over those trips.</param>
/// <param name="Cleaning">Totals of the cleaning stage over the whole stream.</param>
/// <param name="DiscardedTripCount">Trips dropped as shorter than the minimum distance or duration.</param>
public sealed record DriverFeatureResult(
    IReadOnlyList<TripFeatures> Trips,
    DriverAggregate Aggregate,
    CleaningReport Cleaning,
    long DiscardedTripCount);
