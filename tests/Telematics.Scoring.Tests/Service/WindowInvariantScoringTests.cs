using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Service;

/// <summary>A telematics@2 package served by a scorer that provides telematics@1 vectors and the observation window.</summary>
public sealed class WindowInvariantScoringTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    // raw = −2 + 0.0001 · (annual_km − 12,000) + 0.1 · (trips_per_week − 10) in log-odds.
    private ModelPackage V2Package()
    {
        var rules = """
            {"intercept": -2.0, "weights": [
              {"feature": "annual_km", "weight": 0.0001, "reference": 12000, "cap": 100000},
              {"feature": "trips_per_week", "weight": 0.1, "reference": 10, "cap": 200}]}
            """u8.ToArray();
        var manifest = new JsonObject
        {
            ["name"] = "window-rules", ["version"] = "1", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 2 },
        };
        return ModelPackageLoader.Load(_packages.WriteFolder("v2", manifest, rules));
    }

    private static float[] Driving(int days)
    {
        // 50 km and 2 trips a day.
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[0] = 50f * days;
        vector[1] = 1.5f * days;
        vector[2] = 2f * days;
        return vector;
    }

    [Fact]
    public void A_v2_package_binds_to_v2_in_a_v1_scorer()
    {
        using var package = V2Package();

        Assert.True(TelematicsFeaturesV2.Is(package.Model.Binding.Schema));
        Assert.Equal([TelematicsFeaturesV2.AnnualKm, TelematicsFeaturesV2.TripsPerWeek], package.Model.Binding.FeatureNames);
    }

    [Fact]
    public void The_same_habit_scores_the_same_over_7_30_and_90_days()
    {
        using var registry = ModelRegistry.ForPackage(V2Package());
        var scorer = new RiskScorer(registry);

        var scores = new[] { 7, 30, 90 }.Select(days => scorer.Score(new ScoreRequest { DriverId = "d", Features = Driving(days), ObservedDays = days }).Score).ToArray();

        // annual_km = 50 · 365.25 = 18,262.5; trips per week = 14: raw = −2 + 0.62625 + 0.4.
        var expected = 100 / (1 + Math.Exp(-(-2 + (0.0001 * (18_262.5 - 12_000)) + (0.1 * 4))));
        Assert.All(scores, s => Assert.Equal(expected, s, 3));
    }

    [Fact]
    public void Without_a_window_a_v2_model_refuses_naming_the_driver_and_the_missing_input()
    {
        using var registry = ModelRegistry.ForPackage(V2Package());
        var scorer = new RiskScorer(registry);

        var error = Assert.Throws<ArgumentException>(() => scorer.Score(new ScoreRequest { DriverId = "D42", Features = Driving(30) }));

        Assert.Contains("'D42'", error.Message, StringComparison.Ordinal);
        Assert.Contains("observation window", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_scoring_fails_only_the_driver_without_a_window()
    {
        using var registry = ModelRegistry.ForPackage(V2Package());
        var batch = new BatchScorer(new RiskScorer(registry));
        DriverFeatures[] drivers =
        [
            new("a", Driving(30)) { ObservedDays = 30 },
            new("b", Driving(30)),
            new("c", Driving(7)) { ObservedDays = 7 },
        ];

        foreach (var contributions in new[] { false, true })
        {
            var result = await batch.ScoreAsync(drivers, new BatchScoreOptions { IncludeContributions = contributions });

            Assert.Equal(result.Scores[0]!.Score, result.Scores[2]!.Score, 3);
            Assert.Null(result.Scores[1]);
            Assert.Contains("'b'", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_v1_model_ignores_the_window()
    {
        using var registry = new ModelRegistry(new ModelRegistryOptions());
        var scorer = new RiskScorer(registry);

        var with = scorer.Score(new ScoreRequest { DriverId = "d", Features = Driving(30), ObservedDays = 30 });
        var without = scorer.Score(new ScoreRequest { DriverId = "d", Features = Driving(30) });

        Assert.Equal(without.Score, with.Score);
    }
}
