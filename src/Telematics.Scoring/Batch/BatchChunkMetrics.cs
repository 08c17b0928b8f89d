using System.Runtime.InteropServices;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Batch;

/// <summary>The metrics of one scored batch chunk (the fast path; the path with contributions records per driver).</summary>
internal static class BatchChunkMetrics
{
    // Counters are tagged by each driver's experiment variant, as the score distribution is. A chunk without experiments
    // (the common case) records once and allocates nothing; one with experiments groups per chunk, not per driver.
    public static void Record(ScoringMetrics metrics, ModelPackage package, IReadOnlyList<DriverFeatures> drivers, int start, int count, RiskScore?[] scores, int failures, double seconds)
    {
        var labelled = false;
        for (var i = start; i < start + count && !labelled; i++)
        {
            labelled = drivers[i].Experiment is not null;
        }

        if (!labelled)
        {
            Record(metrics, package, null, count - failures, failures, seconds);
            return;
        }

        var byVariant = new Dictionary<string, (int Scored, int Failed)>(StringComparer.Ordinal);
        var unlabelled = (Scored: 0, Failed: 0);
        for (var i = start; i < start + count; i++)
        {
            ref var tally = ref drivers[i].Experiment is { } label
                ? ref CollectionsMarshal.GetValueRefOrAddDefault(byVariant, label.Variant, out _)
                : ref unlabelled;
            if (scores[i] is null)
            {
                tally.Failed++;
            }
            else
            {
                tally.Scored++;
            }
        }

        Record(metrics, package, null, unlabelled.Scored, unlabelled.Failed, seconds);
        foreach (var (variant, tally) in byVariant)
        {
            Record(metrics, package, variant, tally.Scored, tally.Failed, seconds);
        }
    }

    private static void Record(ScoringMetrics metrics, ModelPackage package, string? variant, int scored, int failed, double seconds)
    {
        if (scored > 0)
        {
            metrics.RecordScores(package.Name, package.Version, variant, scored, seconds);
        }

        if (failed > 0)
        {
            metrics.RecordFailures(package.Name, package.Version, variant, failed);
        }
    }
}
