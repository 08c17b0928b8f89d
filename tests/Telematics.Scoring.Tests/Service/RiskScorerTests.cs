using FsCheck;
using FsCheck.Xunit;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Service;

public sealed class RiskScorerTests : IDisposable
{
    private static readonly FeatureSchema Schema = TelematicsFeatures.Schema;
    private readonly TestPackages _packages = new();
    private readonly ModelRegistry _builtInOnly = new(new ModelRegistryOptions());

    public void Dispose()
    {
        _builtInOnly.Dispose();
        _packages.Dispose();
    }

    private static float[] ReferenceVector()
    {
        var vector = new float[Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);
        return vector;
    }

    /// <summary>Turns arbitrary floats into a schema vector of plausible, non-negative values (some NaN = missing).</summary>
    private static float[] Vector(NormalFloat[] seed, bool allowMissing)
    {
        var vector = ReferenceVector();
        for (var i = 0; i < seed.Length && i < vector.Length * 2; i++)
        {
            var value = Math.Abs((float)seed[i].Get) % 40f;
            vector[i % vector.Length] = allowMissing && value > 38f ? float.NaN : value;
        }

        return vector;
    }

    private static bool Throws(Action score)
    {
        try
        {
            score();
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool Rule_contributions_sum_to_score_minus_reference(NormalFloat[] seed)
    {
        var scorer = new RiskScorer(_builtInOnly);
        var vector = Vector(seed, allowMissing: true);
        if (TelematicsFeatures.ShowsNoDriving(vector))
        {
            // Nothing to score: refused, not given contributions.
            return Throws(() => scorer.Score(new ScoreRequest { DriverId = "d", Features = vector }));
        }

        var result = scorer.Score(new ScoreRequest { DriverId = "d", Features = vector });

        var sum = result.Contributions.Sum(c => c.Points);
        return Math.Abs(sum - (result.Score - result.ReferenceScore)) < 1e-9 && result.ContributionMethod == ContributionMethod.AdditiveRescaled;
    }

    [Property(MaxTest = 60)]
    public bool Exact_tree_contributions_of_an_onnx_tree_model_sum_to_score_minus_reference(NormalFloat[] seed)
    {
        using var registry = TreeRegistry();
        var scorer = new RiskScorer(registry);
        var vector = Vector(seed, allowMissing: false);
        if (TelematicsFeatures.ShowsNoDriving(vector))
        {
            return Throws(() => scorer.Score(new ScoreRequest { DriverId = "d", Model = "risk-gbm", Features = vector }));
        }

        var result = scorer.Score(new ScoreRequest { DriverId = "d", Model = "risk-gbm", Features = vector });

        var sum = result.Contributions.Sum(c => c.Points);
        return Math.Abs(sum - (result.Score - result.ReferenceScore)) < 1e-9 && result.ContributionMethod == ContributionMethod.TreeShapBaseline;
    }

    [Fact]
    public void Reference_driver_scores_the_reference_score_with_zero_contributions()
    {
        var scorer = new RiskScorer(_builtInOnly);

        var result = scorer.Score(new ScoreRequest { DriverId = "typical", Features = ReferenceVector() });

        Assert.Equal(result.ReferenceScore, result.Score, 9);
        Assert.All(result.Contributions, c => Assert.Equal(0, c.Points, 12));
        Assert.Equal(RiskCategory.Good, result.Category);
        Assert.Equal(ModelPackage.BuiltInName, result.ModelName);
    }

    [Fact]
    public void Speeding_driver_gets_most_of_the_extra_score_from_speeding()
    {
        var scorer = new RiskScorer(_builtInOnly);
        var vector = ReferenceVector();
        vector[Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = 0.3f;
        vector[Schema.IndexOf(TelematicsFeatures.MotorwayShare)] = 0.5f;

        var result = scorer.Score(new ScoreRequest { DriverId = "fast", Features = vector });

        var top = result.Contributions.MaxBy(c => c.Points);
        Assert.Equal(TelematicsFeatures.SpeedingShare, top.Feature);
        Assert.True(result.Contributions.Single(c => c.Feature == TelematicsFeatures.MotorwayShare).Points < 0);
        Assert.True(result.Score > result.ReferenceScore);
    }

    [Fact]
    public void Single_changed_feature_of_a_tree_model_carries_the_whole_difference()
    {
        using var registry = TreeRegistry();
        var scorer = new RiskScorer(registry);
        var vector = ReferenceVector();
        vector[Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 20f;

        var result = scorer.Score(new ScoreRequest { DriverId = "phone", Model = "risk-gbm", Features = vector });

        // Reference (2, 1, 0.06): 0.5·0.1 + 0.5·0.2 = 0.15; with phone 20: 0.5·0.1 + 0.5·0.8 = 0.45.
        Assert.Equal(45, result.Score, 3);
        Assert.Equal(15, result.ReferenceScore, 3);
        Assert.Equal(30, result.Contributions.Single(c => c.Feature == TelematicsFeatures.PhoneMinutesPerHour).Points, 3);
        Assert.Equal(0.45, result.RawOutput, 5);
    }

    [Fact]
    public void Experiment_and_model_identity_are_carried_into_the_result()
    {
        using var registry = TreeRegistry();
        var scorer = new RiskScorer(registry);

        var result = scorer.Score(new ScoreRequest
        {
            DriverId = "d-42",
            Model = "risk-gbm",
            Features = ReferenceVector(),
            Experiment = new ExperimentVariantLabel("pricing-2027", "treatment"),
            IncludeContributions = false,
        });

        Assert.Equal(("risk-gbm", "1", "d-42"), (result.ModelName, result.ModelVersion, result.DriverId));
        Assert.Equal(new ExperimentVariantLabel("pricing-2027", "treatment"), result.Experiment);
        Assert.Empty(result.Contributions);
        Assert.Equal(ContributionMethod.None, result.ContributionMethod);
    }

    [Theory]
    // With contributions on (the default) the chain of rows fails first; it must name the driver and model too.
    [InlineData(true)]
    [InlineData(false)]
    public void Nan_model_output_fails_naming_the_driver_and_model(bool contributions)
    {
        var manifest = TestPackages.TreeClassifierManifest("nan-model");
        manifest["output"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "logistic" };
        _packages.WriteFolder(Path.Combine("models", "nan-model", "1"), manifest, TestOnnxModels.NaNOnZero());
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var scorer = new RiskScorer(registry);
        var vector = ReferenceVector();
        vector[Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 0f;

        var error = Assert.Throws<ModelScoringException>(() => scorer.Score(new ScoreRequest { DriverId = "d-7", Model = "nan-model", Features = vector, IncludeContributions = contributions }));

        Assert.Equal("Model nan-model@1 returned NaN for driver 'd-7'.", error.Message);
    }

    [Fact]
    public void A_nan_between_the_reference_and_the_driver_fails_naming_the_driver_and_model()
    {
        // 0 / (harsh_braking − phone_minutes): finite at the reference (2, 1) and the driver (1, 2), NaN at (1, 1) and (2, 2).
        var model = new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .FloatInitializer("zero", [1], [0f])
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["difference"], a => a.Floats("coefficients", 1, -1, 0).Floats("intercepts", 0))
            .Node("Div", "", ["zero", "difference"], ["variable"])
            .Build();
        var manifest = TestPackages.TreeClassifierManifest("chain-nan");
        manifest["output"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "logistic" };
        _packages.WriteFolder(Path.Combine("models", "chain-nan", "1"), manifest, model);
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var vector = ReferenceVector();
        vector[Schema.IndexOf(TelematicsFeatures.HarshBrakingPer100Km)] = 1f;
        vector[Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 2f;

        var error = Assert.Throws<ModelScoringException>(() => new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d-8", Model = "chain-nan", Features = vector }));

        Assert.StartsWith("Model chain-nan@1 failed for driver 'd-8' computing factor contributions: The model returned NaN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vector_of_the_wrong_length_is_refused()
    {
        var scorer = new RiskScorer(_builtInOnly);

        Assert.Throws<ArgumentException>(() => scorer.Score(new ScoreRequest { DriverId = "d", Features = new float[5] }));
    }

    private ModelRegistry TreeRegistry()
    {
        var dir = Path.Combine("models", "risk-gbm", "1");
        if (!Directory.Exists(Path.Combine(_packages.Root, dir)))
        {
            _packages.WriteFolder(dir, TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier());
        }

        return new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
    }
}
