using Telematics.Scoring.Results;

namespace Telematics.Scoring.Batch;

/// <summary>Figures of a batch: counts, mean and percentiles of the scores, counts by category and by model version.</summary>
/// <param name="Count">Drivers in the batch.</param>
/// <param name="Failures">Drivers that failed.</param>
/// <param name="Mean">Mean score of the scored drivers (NaN when none).</param>
/// <param name="P50">Median score (linear interpolation between closest ranks; NaN when none).</param>
/// <param name="P95">95th percentile score (same method; NaN when none).</param>
/// <param name="ByCategory">Scored drivers per category (every category present, possibly 0).</param>
/// <param name="ByModelVersion">Scored drivers per <c>name@version</c>; more than one entry when a swap happened mid-batch.</param>
public sealed record BatchScoreSummary(int Count, int Failures, double Mean, double P50, double P95, IReadOnlyDictionary<RiskCategory, int> ByCategory, IReadOnlyDictionary<string, int> ByModelVersion)
{
    /// <summary>Scored drivers per served experiment variant (<c>experiment/variant</c>); empty when no driver was scored in an experiment.</summary>
    public IReadOnlyDictionary<string, int> ByVariant { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);
}
