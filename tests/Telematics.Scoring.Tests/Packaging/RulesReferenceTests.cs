using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>A rules package's reference row is its rules' references, so a missing feature gets no points.</summary>
public sealed class RulesReferenceTests : IDisposable
{
    // Night share from 0.1 (the built-in rules use 0.06), speeding share from 0.05.
    private static readonly byte[] Rules = """
        {"intercept": -1.0, "weights": [
          {"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5},
          {"feature": "speeding_share", "weight": 4.0, "reference": 0.05, "cap": 0.5}]}
        """u8.ToArray();

    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string Package(JsonObject? reference)
    {
        var manifest = new JsonObject
        {
            ["name"] = "night-rules-ref", ["version"] = "1", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
        };
        if (reference is not null)
        {
            manifest["reference"] = reference;
        }

        return _packages.WriteFolder("rules-" + Guid.NewGuid().ToString("N"), manifest, Rules);
    }

    private static float[] Vector(float nightShare, float speedingShare)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 5;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = nightShare;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = speedingShare;
        return vector;
    }

    [Fact]
    public void A_manifest_reference_that_moves_a_rules_reference_is_refused_naming_the_feature_and_both_values()
    {
        var dir = Package(new JsonObject { [TelematicsFeatures.NightShare] = 0.3f, [TelematicsFeatures.SpeedingShare] = 0.05f });

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("'night_share' 0.3 (its rule's reference is 0.1)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("speeding_share", error.Message, StringComparison.Ordinal);
        Assert.Contains("night-rules-ref@1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a reference naming only a feature the rules do not read used to put the built-in 0.06 in night share's place
    public void A_missing_feature_gets_no_points_and_the_rest_add_up_to_score_minus_reference(bool unrelatedReference)
    {
        var dir = Package(unrelatedReference ? new JsonObject { [TelematicsFeatures.TripCount] = 12f } : null);
        using var registry = ModelRegistry.ForPackage(ModelPackageLoader.Load(dir));

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = Vector(float.NaN, 0.2f) });

        Assert.Equal(0, result.Contributions.Single(c => c.Feature == TelematicsFeatures.NightShare).Points);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 9);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Single(c => c.Feature == TelematicsFeatures.SpeedingShare).Points, 9);
    }
}
