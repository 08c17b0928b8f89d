using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>
/// A probability output stays in [0, 1]: checked at load across the training ranges (not only at the reference row), and per
/// driver at scoring, where a value outside fails that driver instead of being clamped to a score of 0 or 100.
/// </summary>
public sealed class ProbabilityRangeTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    // WildOnnxModels.LinearNotAProbability: 0.4 + 0.1·harsh_braking, 0.4 at the reference (harsh braking 0).
    private string Write(string name, double maxHarshBraking, bool declareKind = true)
    {
        var manifest = TestPackages.TreeClassifierManifest(name, "1");
        manifest["output"] = declareKind ? new JsonObject { ["name"] = "variable", ["kind"] = "probability" } : new JsonObject { ["name"] = "variable" };
        manifest["reference"] = new JsonObject { [TelematicsFeatures.HarshBrakingPer100Km] = 0f };
        manifest["training_ranges"] = new JsonObject { [TelematicsFeatures.HarshBrakingPer100Km] = new JsonObject { ["min"] = 0, ["max"] = maxHarshBraking } };
        return _packages.WriteFolder(Path.Combine("models", name, "1"), manifest, WildOnnxModels.LinearNotAProbability());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_logit_in_range_at_the_reference_but_above_1_inside_the_training_ranges_is_refused(bool declareKind)
    {
        // Up to 10 braking events, swept in steps of 10/32: the first step above 1 is 0.4 + 0.1·6.25 = 1.025.
        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(Write("logit", 10, declareKind)));

        Assert.Contains("'model.onnx' output 'variable' is 1.025 at harsh_braking_per_100km = 6.25 (inside its training range)", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside [0, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set output.kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_probability_above_1_at_scoring_fails_that_driver_naming_the_model_and_the_value()
    {
        // Inside the training range (up to 5) the output stays within 0.4–0.9, so the package loads.
        Write("edge", 5);
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var scorer = new RiskScorer(registry);
        var features = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(features);
        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 11f;

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        var error = Assert.Throws<ModelScoringException>(() => scorer.Score(new ScoreRequest { DriverId = "d-1", Model = "edge", Features = features }));

        Assert.Contains("Model edge@1 returned 1.5 for driver 'd-1', outside [0, 1]", error.Message, StringComparison.Ordinal);

        features[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 3f;
        Assert.Equal(70, scorer.Score(new ScoreRequest { DriverId = "d-2", Model = "edge", Features = features }).Score, 4);
    }

    [Fact]
    public async Task A_probability_above_1_in_a_batch_fails_only_that_driver()
    {
        using var registry = ModelRegistry.ForPackage(ModelPackageLoader.Load(Write("edge", 5)));
        var risky = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(risky);
        var calm = (float[])risky.Clone();
        risky[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 11f;
        calm[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 3f;

        var result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync([new("d-1", risky), new("d-2", calm)]);

        var failure = Assert.Single(result.Failures);
        Assert.Equal("d-1", failure.DriverId);
        Assert.Contains("Model edge@1 returned 1.5 for driver 'd-1', outside [0, 1]", failure.Message, StringComparison.Ordinal);
        Assert.Null(result.Scores[0]);
        Assert.Equal(70, result.Scores[1]!.Score, 4);
    }
}
