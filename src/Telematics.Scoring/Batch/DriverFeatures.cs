using Telematics.Scoring.Results;

namespace Telematics.Scoring.Batch;

/// <summary>One driver of a batch.</summary>
/// <param name="DriverId">The driver's identifier.</param>
/// <param name="Features">The driver's feature vector in schema order (NaN = missing).</param>
/// <param name="Experiment">The experiment and variant the driver was assigned to, if any.</param>
public readonly record struct DriverFeatures(string DriverId, ReadOnlyMemory<float> Features, ExperimentVariantLabel? Experiment = null)
{
    /// <summary>Days the driver was observed over; needed by telematics@2 models (see <see cref="Service.ScoreRequest.ObservedDays"/>).</summary>
    public double? ObservedDays { get; init; }
}
