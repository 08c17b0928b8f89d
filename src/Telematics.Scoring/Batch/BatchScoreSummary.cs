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

    /// <summary>
    /// The figures of <paramref name="scores"/> (null entries are left out): for a caller that keeps only some of a batch's
    /// scores (a host that stores only the drivers it could also price) and must not summarise the others.
    /// </summary>
    /// <param name="scores">The scores to summarise; null for a driver that has none.</param>
    /// <param name="count">Drivers in the batch, scored or not.</param>
    /// <param name="failures">Drivers that failed.</param>
    /// <returns>Mean, percentiles and counts of the non-null scores.</returns>
    public static BatchScoreSummary Of(IEnumerable<RiskScore?> scores, int count, int failures)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var values = new List<double>();
        var byCategory = Enum.GetValues<RiskCategory>().ToDictionary(c => c, _ => 0);
        var byVersion = new Dictionary<string, int>(StringComparer.Ordinal);
        var byVariant = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var score in scores)
        {
            if (score is null)
            {
                continue;
            }

            values.Add(score.Score);
            byCategory[score.Category]++;
            var key = $"{score.ModelName}@{score.ModelVersion}";
            byVersion[key] = byVersion.GetValueOrDefault(key) + 1;
            if (score.Experiment is { } experiment)
            {
                var variantKey = $"{experiment.Experiment}/{experiment.Variant}";
                byVariant[variantKey] = byVariant.GetValueOrDefault(variantKey) + 1;
            }
        }

        values.Sort();
        var mean = values.Count == 0 ? double.NaN : values.Average();
        return new BatchScoreSummary(count, failures, mean, Percentile(values, 0.50), Percentile(values, 0.95), byCategory, byVersion) { ByVariant = byVariant };
    }

    private static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
