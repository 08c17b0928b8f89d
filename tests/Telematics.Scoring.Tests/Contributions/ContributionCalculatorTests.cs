using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Xunit;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Contributions;

public sealed class ContributionCalculatorTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Property(MaxTest = 60)]
    public bool Tree_contributions_with_a_logistic_post_transform_sum_exactly_to_score_minus_reference(PositiveInt seed, NonNegativeInt rows)
    {
        using var registry = Registry($"logistic-{seed.Get % 20}", RandomTrees.LogisticClassifier(seed.Get % 20), RandomTrees.Features, "probability");
        var vector = Vector(RandomTrees.Features, RandomTrees.Row(new Random(rows.Get)));

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = vector });

        return result.ContributionMethod == ContributionMethod.TreeShapBaseline
            && Math.Abs(result.Contributions.Sum(c => c.Points) - (result.Score - result.ReferenceScore)) < 1e-9;
    }

    [Fact]
    public void Tree_contributions_are_the_margin_shapley_values_rescaled_to_score_points()
    {
        var onnx = RandomTrees.LogisticClassifier(7);
        using var registry = Registry("scaled", onnx, RandomTrees.Features, "probability");
        using var lease = registry.Acquire();
        var package = lease.Package;
        var trees = ((Scoring.Onnx.OnnxRiskModel)package.Model).Trees!;
        var random = new Random(77);
        var row = RandomTrees.Row(random);
        while (Math.Abs(trees.Margin(row) - trees.Margin(package.ReferenceRow)) < 1e-3)
        {
            row = RandomTrees.Row(random);
        }

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = Vector(RandomTrees.Features, row) });

        var phi = new double[row.Length];
        trees.Shapley(row, package.ReferenceRow, phi);
        var ratio = (result.Score - result.ReferenceScore) / (trees.Margin(row) - trees.Margin(package.ReferenceRow));
        for (var i = 0; i < phi.Length; i++)
        {
            Assert.Equal(phi[i] * ratio, result.Contributions[i].Points, 12);
        }

        // The score comes from ONNX Runtime's float output; the double evaluation agrees to float precision (×100 points).
        Assert.Equal(package.Calibration.ToScore(trees.Output(trees.Margin(row))), result.Score, 4);
    }

    [Fact]
    public void Onnx_model_that_is_not_a_tree_ensemble_keeps_permutation_shapley()
    {
        using var registry = Registry("pipeline", TestOnnxModels.ScalerImputerLinearPipeline(), TestOnnxModels.Features, "score");
        var vector = Vector(TestOnnxModels.Features, [4f, 1f, 0.3f]);

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = vector });

        Assert.Equal(ContributionMethod.PermutationShapley, result.ContributionMethod);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 9);
    }

    [Theory]
    [InlineData(0.3f)] // the driver at the manifest's reference: no contribution at all
    [InlineData(0.45f)]
    [InlineData(0.02f)]
    public void A_rules_package_with_its_own_reference_row_explains_score_minus_that_reference(float nightShare)
    {
        // The rule measures night share from 0.1; the manifest's reference row puts it at 0.3.
        var rules = """{"intercept": -1.0, "weights": [{"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5}]}"""u8.ToArray();
        var manifest = new JsonObject
        {
            ["name"] = "night-rules-ref", ["version"] = "1", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
            ["reference"] = new JsonObject { [TelematicsFeatures.NightShare] = 0.3f },
        };
        using var registry = ModelRegistry.ForPackage(ModelPackageLoader.Load(_packages.WriteFolder("rules-ref-" + Guid.NewGuid().ToString("N"), manifest, rules)));
        var vector = Vector([TelematicsFeatures.NightShare, TelematicsFeatures.TripCount], [nightShare, 5f]);

        var result = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = vector });

        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Sum(c => c.Points), 9);
        Assert.Equal(result.Score - result.ReferenceScore, result.Contributions.Single(c => c.Feature == TelematicsFeatures.NightShare).Points, 9);
    }

    [Fact]
    public void A_rules_packages_partial_reference_row_keeps_the_rules_own_references_for_the_features_it_leaves_out()
    {
        // Harsh braking's rule counts from 6 per 100 km (the built-in model's from 2); the manifest moves only night share.
        var rules = """{"intercept": -1.0, "weights": [{"feature": "night_share", "weight": 2.0, "reference": 0.1, "cap": 0.5}, {"feature": "harsh_braking_per_100km", "weight": 0.1, "reference": 6.0, "cap": 20}]}"""u8.ToArray();
        var manifest = new JsonObject
        {
            ["name"] = "partial-ref", ["version"] = "1", ["kind"] = "rules", ["file"] = "rules.json",
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
            ["reference"] = new JsonObject { [TelematicsFeatures.NightShare] = 0.3f },
        };

        var package = ModelPackageLoader.Load(_packages.WriteFolder("rules-partial-" + Guid.NewGuid().ToString("N"), manifest, rules));

        var names = package.Model.Binding.FeatureNames;
        Assert.Equal(6f, package.ReferenceRow[IndexOf(names, TelematicsFeatures.HarshBrakingPer100Km)]);
        Assert.Equal(0.3f, package.ReferenceRow[IndexOf(names, TelematicsFeatures.NightShare)]);
    }

    private static int IndexOf(IReadOnlyList<string> names, string feature)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == feature)
            {
                return i;
            }
        }

        throw new KeyNotFoundException(feature);
    }

    private ModelRegistry Registry(string name, byte[] onnx, string[] features, string outputKind)
    {
        var manifest = TestPackages.TreeClassifierManifest(name);
        manifest["inputs"]!["features"] = new JsonArray([.. features.Select(f => JsonValue.Create(f))]);
        manifest["output"] = outputKind == "probability"
            ? new JsonObject { ["name"] = "probabilities", ["kind"] = outputKind, ["positive_index"] = 1 }
            : new JsonObject { ["name"] = "variable", ["kind"] = outputKind };
        manifest["calibration"] = outputKind == "probability"
            ? new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 }
            : new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = 0 };
        var reference = new JsonObject();
        var referenceRow = RandomTrees.Row(new Random(name.Length));
        for (var i = 0; i < features.Length; i++)
        {
            reference[features[i]] = float.IsNaN(referenceRow[i]) ? 0.5f : referenceRow[i];
        }

        manifest["reference"] = reference;
        var dir = _packages.WriteFolder(name + "-" + Guid.NewGuid().ToString("N"), manifest, onnx);
        return ModelRegistry.ForPackage(ModelPackageLoader.Load(dir));
    }

    private static float[] Vector(string[] features, float[] values)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        for (var i = 0; i < features.Length; i++)
        {
            vector[TelematicsFeatures.Schema.IndexOf(features[i])] = values[i];
        }

        return vector;
    }
}
