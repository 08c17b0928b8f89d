using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>A package's training ranges give each score its out-of-range share and confidence; bad ranges are refused by name.</summary>
public sealed class TrainingRangesTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static JsonObject Ranges(double brakingMax = 5) => new()
    {
        [TelematicsFeatures.HarshBrakingPer100Km] = new JsonObject { ["min"] = 0, ["max"] = brakingMax },
        [TelematicsFeatures.PhoneMinutesPerHour] = new JsonObject { ["min"] = 0, ["max"] = 10 },
        [TelematicsFeatures.NightShare] = new JsonObject { ["min"] = 0, ["max"] = 0.5 },
    };

    private string Write(JsonObject? ranges)
    {
        var manifest = TestPackages.TreeClassifierManifest();
        if (ranges is not null)
        {
            manifest["training_ranges"] = ranges;
        }

        return _packages.WriteFolder(Path.Combine("models", "risk-gbm", "1"), manifest, TestOnnxModels.TreeClassifier());
    }

    private ModelPackage Load(JsonObject? ranges) => ModelPackageLoader.Load(Write(ranges));

    private static float[] Driver(float braking, float phone, float night)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = braking;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = phone;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = night;
        return vector;
    }

    [Theory]
    [InlineData(1f, 2f, 0.1f, 0.0, ScoreConfidence.High)]
    [InlineData(9f, 2f, 0.1f, 1.0 / 3, ScoreConfidence.Low)]
    [InlineData(9f, 20f, 0.9f, 1.0, ScoreConfidence.Low)]
    [InlineData(float.NaN, 2f, 0.9f, 0.5, ScoreConfidence.Low)]
    public void A_score_carries_the_share_of_inputs_outside_the_training_ranges_and_its_grade(float braking, float phone, float night, double share, ScoreConfidence confidence)
    {
        Write(Ranges());
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Model = "risk-gbm", Features = Driver(braking, phone, night) });

        Assert.Equal(share, score.OutOfRangeShare!.Value, 12);
        Assert.Equal(confidence, score.Confidence);
    }

    [Theory]
    [InlineData(0.3f, 0.0)]
    [InlineData(0.1f, 0.0)]
    [InlineData(0.30000004f, 1.0)]
    public void A_driver_at_a_bound_written_as_the_floats_shortest_decimal_is_in_range(float night, double share)
    {
        // 0.3 in the manifest is the population's largest night share 0.3f, which as a double is 0.30000001192…
        Assert.True(0.3f > 0.3);
        Write(new JsonObject { [TelematicsFeatures.NightShare] = new JsonObject { ["min"] = 0.1, ["max"] = 0.3 } });
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });

        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Model = "risk-gbm", Features = Driver(1f, 2f, night) });

        Assert.Equal(share, score.OutOfRangeShare!.Value, 12);
    }

    [Fact]
    public async Task A_driver_with_no_ranged_input_known_has_an_unknown_share_and_is_not_graded_high()
    {
        Write(Ranges());
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false, DefaultModel = "risk-gbm" });
        // It drove (trips and distance), but every input the model reads and has a range for is missing.
        var driver = Driver(float.NaN, float.NaN, float.NaN);
        driver[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 12;
        driver[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = 240;

        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = driver });
        var batch = await new Telematics.Scoring.Batch.BatchScorer(new RiskScorer(registry)).ScoreAsync([new Telematics.Scoring.Batch.DriverFeatures("d", driver)]);

        // Nothing compared with the ranges is not "none outside them": it was 0, graded high.
        Assert.Null(score.OutOfRangeShare);
        Assert.Equal(ScoreConfidence.Unknown, score.Confidence);
        Assert.Null(batch.Scores[0]!.OutOfRangeShare);
        Assert.Equal(ScoreConfidence.Unknown, batch.Scores[0]!.Confidence);
        using var package = Load(Ranges());
        Assert.Null(package.TrainingRanges!.OutOfRangeShareIfKnown([float.NaN, float.NaN, float.NaN]));
        Assert.Equal(0, package.TrainingRanges.OutOfRangeShare([float.NaN, float.NaN, float.NaN]));
    }

    [Fact]
    public void Medium_confidence_when_some_but_under_a_quarter_of_the_inputs_are_outside()
    {
        Assert.Equal(ScoreConfidence.Medium, ScoreConfidenceGrade.From(0.2));
        Assert.Equal(ScoreConfidence.Unknown, ScoreConfidenceGrade.From(null));
    }

    [Fact]
    public void Without_ranges_the_share_is_unknown()
    {
        using var package = Load(null);

        Assert.Null(package.TrainingRanges);
    }

    [Theory]
    [InlineData("speeding_share", 0, 1, "training_ranges.speeding_share names a feature the model does not read")]
    [InlineData("night_share", 1, 0, "training_ranges.night_share needs finite 'min' and 'max' with min ≤ max")]
    public void A_range_for_an_unread_feature_or_an_inverted_one_is_refused_by_name(string feature, double min, double max, string message)
    {
        var ranges = new JsonObject { [feature] = new JsonObject { ["min"] = min, ["max"] = max } };

        var refused = Assert.Throws<ModelPackageException>(() => Load(ranges));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
