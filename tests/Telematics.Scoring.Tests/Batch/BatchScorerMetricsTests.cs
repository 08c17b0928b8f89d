using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Batch;

public sealed class BatchScorerMetricsTests
{
    [Fact]
    public async Task Batch_scores_and_failures_are_counted_under_each_drivers_variant()
    {
        using var registry = new ModelRegistry(new ModelRegistryOptions());
        using var metrics = new ScoringMetrics();
        using var counters = new ScoringCounters();
        var drivers = new DriverFeatures[30];
        for (var i = 0; i < drivers.Length; i++)
        {
            var vector = new float[TelematicsFeatures.Schema.Count];
            RuleBasedModel.Default.CopyReferenceRow(vector);
            var label = (i % 3) switch
            {
                0 => new ExperimentVariantLabel("batch-metrics", "bm-a"),
                1 => new ExperimentVariantLabel("batch-metrics", "bm-b"),
                _ => (ExperimentVariantLabel?)null,
            };
            drivers[i] = new DriverFeatures($"d{i}", i == 4 ? new float[2] : vector, label);
        }

        var result = await new BatchScorer(new RiskScorer(registry), metrics).ScoreAsync(drivers, new BatchScoreOptions { ChunkSize = 7 });

        Assert.Single(result.Failures);
        Assert.Equal((10, 0), (counters.Scores("bm-a"), counters.Failures("bm-a")));
        Assert.Equal((9, 1), (counters.Scores("bm-b"), counters.Failures("bm-b")));
    }
}
