using Microsoft.Extensions.DependencyInjection;
using Telematics.Features.Schema;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Service;

/// <summary>The convenience overloads of <see cref="ExperimentScorer"/> over the shipped telematics@2 model.</summary>
public sealed class ExperimentScorerWindowTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private ServiceProvider Shipped() =>
        new ServiceCollection()
            .AddTelematicsScoring(b => b.UseShippedModel(Path.Combine(_packages.Root, "shipped")).WatchForChanges(false))
            .BuildServiceProvider();

    private static float[] Vector()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);
        return vector;
    }

    [Fact]
    public void The_overload_with_the_observation_window_scores_with_the_shipped_model_as_a_request_does()
    {
        using var provider = Shipped();
        var scorer = provider.GetRequiredService<ExperimentScorer>();

        var score = scorer.Score("d-1", Vector(), observedDays: 90, experimentName: null);

        var expected = scorer.Score(new ScoreRequest { DriverId = "d-1", Features = Vector(), ObservedDays = 90 }, null);
        Assert.Equal((expected.ModelName, expected.ModelVersion, expected.Score), (score.ModelName, score.ModelVersion, score.Score));
        Assert.Equal(score.Score - score.ReferenceScore, score.Contributions.Sum(c => c.Points), 6);
    }

    [Fact]
    public void The_overload_without_the_window_refuses_the_shipped_model_naming_the_window()
    {
        using var provider = Shipped();

        var error = Assert.ThrowsAny<ArgumentException>(() => provider.GetRequiredService<ExperimentScorer>().Score("d-1", Vector(), null));

        Assert.Contains("observation window", error.Message, StringComparison.Ordinal);
        Assert.Contains("'d-1'", error.Message, StringComparison.Ordinal);
    }
}
