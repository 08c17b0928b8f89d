using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Packaging;

/// <summary>A package's sampling noise gives each score the interval its trips deserve; a bad block is refused by name.</summary>
public sealed class SamplingNoiseTests : IDisposable
{
    private const double Z90 = 1.6448536269514722;

    // The model's output, a float.
    private const double Raw = 0.1f;
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    // A frequency model that predicts 0.1 claims a year for everyone; 0.01 → 0, 0.1 → 50, 1 → 100.
    private static JsonObject FrequencyManifest(JsonNode? noise, string kind = "frequency")
    {
        var manifest = TestPackages.TreeClassifierManifest("freq");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = kind };
        manifest["calibration"] = new JsonObject { ["kind"] = "piecewise_linear", ["knots"] = new JsonArray(new JsonArray(0.01, 0), new JsonArray(0.1, 50), new JsonArray(1, 100)) };
        if (noise is not null)
        {
            manifest["sampling_noise"] = noise;
        }

        return manifest;
    }

    private static JsonObject Noise(double sd = 1, string per = "trip") => new() { ["per"] = per, ["sd"] = sd };

    private ModelPackage Load(JsonObject manifest) =>
        ModelPackageLoader.Load(_packages.WriteFolder(Path.Combine("models", "freq", "1"), manifest, TestOnnxModels.Constant(0.1f)));

    private static float[] Driver(float trips)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = trips;
        return vector;
    }

    [Fact]
    public void A_score_carries_the_interval_of_its_trips()
    {
        using var registry = ModelRegistry.ForPackage(Load(FrequencyManifest(Noise(sd: 1))));
        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = Driver(25) });

        // ln 0.1 ± 1.645 · 1 / √25: 0.0720 → (0.0720 − 0.01) / 0.09 · 50 = 34.4; 0.1389 → 50 + 0.0389 / 0.9 · 50 = 52.2.
        var interval = score.Interval!.Value;
        Assert.Equal(50, score.Score, 3);
        Assert.Equal(((Raw * Math.Exp(-Z90 / 5)) - 0.01) / 0.09 * 50, interval.Low, 6);
        Assert.Equal(50 + ((Raw * Math.Exp(Z90 / 5)) - 0.1) / 0.9 * 50, interval.High, 6);
        Assert.Equal(34.4, interval.Low, 1);
        Assert.Equal(52.2, interval.High, 1);
        Assert.Equal(0.9, interval.Level);
        Assert.Equal(RiskCategory.Good, interval.LowCategory);
        Assert.Equal(RiskCategory.Average, interval.HighCategory);
        Assert.False(interval.SettlesCategory);
    }

    [Fact]
    public void More_trips_narrow_the_interval_until_the_category_settles()
    {
        using var registry = ModelRegistry.ForPackage(Load(FrequencyManifest(Noise(sd: 1))));
        var scorer = new RiskScorer(registry);

        var week = scorer.Score(new ScoreRequest { DriverId = "d", Features = Driver(25) }).Interval!.Value;
        var quarter = scorer.Score(new ScoreRequest { DriverId = "d", Features = Driver(400) }).Interval!.Value;

        // At 400 trips the half-width is 1.645 / 20 in ln: 0.0921 → 45.6 and 0.1086 → 50.5, across the 50 boundary still;
        // the width shrinks about fourfold with sixteen times the trips.
        Assert.InRange((week.High - week.Low) / (quarter.High - quarter.Low), 3.5, 4.5);
        var settled = new ScoreInterval(41, 59.9, 0.9);
        Assert.True(settled.SettlesCategory);
        Assert.Equal(RiskCategory.Average, settled.LowCategory);
    }

    [Fact]
    public void No_trip_spans_the_whole_scale_and_an_unknown_count_gives_no_interval()
    {
        using var registry = ModelRegistry.ForPackage(Load(FrequencyManifest(Noise())));
        var scorer = new RiskScorer(registry);
        // A what-if of habits without trips is scored; a vector of nothing at all is not.
        var habitsOnly = Driver(0);
        habitsOnly[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.1f;

        Assert.Equal(new ScoreInterval(0, 100, 0.9), scorer.Score(new ScoreRequest { DriverId = "d", Features = habitsOnly }).Interval);
        // An unknown trip count with habits is scored, without an interval; with nothing else known it is no driving.
        var countUnknown = Driver(float.NaN);
        countUnknown[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = 0.1f;
        Assert.Null(scorer.Score(new ScoreRequest { DriverId = "d", Features = countUnknown }).Interval);
        Assert.Contains("has no trips", Assert.Throws<ArgumentException>(() => scorer.Score(new ScoreRequest { DriverId = "d", Features = Driver(0) })).Message, StringComparison.Ordinal);
        Assert.Contains("has no trips", Assert.Throws<ArgumentException>(() => scorer.Score(new ScoreRequest { DriverId = "d", Features = Driver(float.NaN) })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_block_a_score_has_no_interval()
    {
        using var package = Load(FrequencyManifest(null));
        using var registry = ModelRegistry.ForPackage(package);

        Assert.Null(package.SamplingNoise);
        Assert.Null(new RiskScorer(registry).Score(new ScoreRequest { DriverId = "d", Features = Driver(25) }).Interval);
    }

    [Fact]
    public async Task Batch_scoring_gives_the_same_intervals_with_and_without_contributions()
    {
        using var registry = ModelRegistry.ForPackage(Load(FrequencyManifest(Noise(sd: 0.8))));
        var scorer = new RiskScorer(registry);
        DriverFeatures[] drivers = [new("a", Driver(9)), new("b", Driver(144))];
        var single = drivers.Select(d => scorer.Score(new ScoreRequest { DriverId = d.DriverId, Features = d.Features }).Interval).ToArray();

        foreach (var contributions in new[] { false, true })
        {
            var result = await new BatchScorer(scorer).ScoreAsync(drivers, new BatchScoreOptions { IncludeContributions = contributions });

            Assert.Equal(single, result.Scores.Select(s => s!.Interval));
        }
    }

    [Theory]
    [InlineData("probability", 1, "trip", "output.kind is probability")]
    [InlineData("frequency", 1, "day", "sampling_noise.per must be 'trip', not 'day'")]
    [InlineData("frequency", 0, "trip", "sampling_noise.sd must be a positive, finite standard deviation")]
    [InlineData("frequency", -0.5, "trip", "sampling_noise.sd must be a positive, finite standard deviation")]
    public void A_wrong_block_is_refused_by_name(string kind, double sd, string per, string message)
    {
        var manifest = FrequencyManifest(Noise(sd, per), kind);
        if (kind == "probability")
        {
            manifest["output"] = new JsonObject { ["name"] = "output_probability", ["kind"] = "probability", ["positive_class"] = "1" };
            manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 };
        }

        var dir = _packages.WriteFolder(Path.Combine("models", "freq", "1"), manifest, kind == "probability" ? TestOnnxModels.TreeClassifier() : TestOnnxModels.Constant(0.1f));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(dir));

        Assert.Contains("freq@1", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_noise_itself_must_be_positive_and_finite()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingNoise(double.NaN));
        Assert.Equal(double.PositiveInfinity, new SamplingNoise(1).HalfWidth(0.5));
        Assert.Equal(Z90 / 3, new SamplingNoise(1).HalfWidth(9), 12);
    }
}
