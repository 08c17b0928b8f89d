using System.Text.Json.Nodes;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;
using Telematics.Training.Packaging;

namespace Telematics.Training.Tests.Packaging;

/// <summary>The shipped kind of model: a monotone GLM on telematics@2, exported by our own ONNX graph writer.</summary>
public sealed class GlmPackageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-glm-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static readonly Lazy<FrequencyModel> Model = new(() =>
        FrequencyModel.Fit(SmallPopulation.Data, FrequencyModelKind.GlmTelematics, Enumerable.Range(0, SmallPopulation.Data.Count).ToList(), SmallPopulation.Training, 1));

    private PackageResult Write(double? samplingNoise = null) => OnnxPackageWriter.Write(
        new PackageRequest
        {
            Name = "glm-test",
            Version = "1",
            Model = Model.Value,
            SamplingNoise = samplingNoise,
            Evaluation = ModelEvaluation.Evaluate("glm-telematics", [.. Enumerable.Repeat(0.1, SmallPopulation.Data.Count)], SmallPopulation.Data.ExposureYears, SmallPopulation.Data.Claims, [.. Enumerable.Repeat(0.1, SmallPopulation.Data.Count)]),
        },
        SmallPopulation.Data,
        _directory);

    [Fact]
    public void The_graph_scores_what_the_GLM_predicts_through_the_scorer_with_the_window()
    {
        var result = Write();
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _directory, DefaultModel = "glm-test", WatchForChanges = false });
        var scorer = new RiskScorer(registry);
        var data = SmallPopulation.Data;
        var glm = Model.Value.Glm!;
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];

        for (var i = 0; i < data.Count; i += 37)
        {
            data.WriteV2Features(i, v2);
            var score = scorer.Score(new ScoreRequest { DriverId = data.DriverIds[i], Features = data.Features(i).ToArray(), ObservedDays = data.ObservedDays[i] });
            Assert.Equal(glm.PredictFrequency(v2), score.RawOutput, 1e-5 * glm.PredictFrequency(v2));
        }

        Assert.Equal(PackagedOutput.Frequency, result.Output);
    }

    [Fact]
    public void Missing_and_extreme_inputs_give_the_GLM_value_in_ONNX_Runtime_too()
    {
        Write();
        using var package = ModelPackageLoader.Load(Path.Combine(_directory, "glm-test", "1"));
        var glm = Model.Value.Glm!;
        var k = glm.Terms.Count;
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        var row = new float[k];
        var output = new float[1];
        foreach (var value in new[] { float.NaN, -1e9f, 1e9f, 0f })
        {
            Array.Fill(v2, value);
            Array.Fill(row, value);
            package.Model.Score(row, output);
            Assert.Equal(glm.PredictFrequency(v2), output[0], 1e-5 * glm.PredictFrequency(v2));
        }
    }

    [Fact]
    public void The_manifest_declares_telematics_2_and_the_directions_and_a_false_claim_is_refused_at_load()
    {
        var result = Write();
        var manifestPath = Path.Combine(result.Folder, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        Assert.Equal(2, manifest["feature_schema"]!["version"]!.GetValue<int>());
        var monotone = manifest["monotone"]!.AsObject();
        var increasing = Model.Value.Glm!.Terms.First(t => t.Factor.Direction == RiskDirection.Increasing && t.Coefficient > 0).Factor.Feature;
        Assert.Equal("increasing", monotone[increasing]!.GetValue<string>());

        monotone[increasing] = "decreasing";
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var error = Assert.Throws<ModelPackageException>(() => ModelPackageLoader.Load(result.Folder));
        Assert.Contains($"{increasing} is declared decreasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fitted_sampling_noise_gives_each_score_an_interval_around_it()
    {
        using (var without = ModelPackageLoader.Load(Write().Folder))
        {
            Assert.Null(without.SamplingNoise);
        }

        var result = Write(samplingNoise: 0.9);
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _directory, DefaultModel = "glm-test", WatchForChanges = false });
        var data = SmallPopulation.Data;
        var score = new RiskScorer(registry).Score(new ScoreRequest { DriverId = data.DriverIds[0], Features = data.Features(0).ToArray(), ObservedDays = data.ObservedDays[0] });

        using var lease = registry.Acquire("glm-test");
        Assert.Equal(0.9, lease.Package.SamplingNoise!.PerTripSd);
        Assert.InRange(score.Score, score.Interval!.Value.Low, score.Interval.Value.High);
        Assert.True(score.Interval.Value.High > score.Interval.Value.Low);
        Assert.Equal(PackagedOutput.Frequency, result.Output);
    }

    [Fact]
    public void The_training_ranges_reach_a_tenth_beyond_the_range_the_GLM_clips_to_within_the_data_and_a_driver_beyond_them_scores_less_confidently()
    {
        Write();
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _directory, DefaultModel = "glm-test", WatchForChanges = false });
        var terms = Model.Value.Glm!.Terms;
        var data = SmallPopulation.Data;
        var v2 = new float[TelematicsFeaturesV2.Schema.Count];
        TrainingRanges ranges;
        using (var lease = registry.Acquire("glm-test"))
        {
            ranges = lease.Package.TrainingRanges!;
        }

        for (var k = 0; k < terms.Count; k++)
        {
            var (lowest, highest) = (double.PositiveInfinity, double.NegativeInfinity);
            for (var i = 0; i < data.Count; i++)
            {
                data.WriteV2Features(i, v2);
                var x = v2[terms[k].SchemaIndex];
                (lowest, highest) = float.IsNaN(x) ? (lowest, highest) : (Math.Min(lowest, x), Math.Max(highest, x));
            }

            var margin = 0.1 * (terms[k].Upper - terms[k].Lower);
            Assert.Equal(Math.Max(lowest, terms[k].Lower - margin), ranges[k].Min, 1e-6 * Math.Max(1, Math.Abs(ranges[k].Min)));
            Assert.Equal(Math.Min(highest, terms[k].Upper + margin), ranges[k].Max, 1e-6 * Math.Max(1, Math.Abs(ranges[k].Max)));
        }

        // One input moved, the others as a training driver has them: at its median and at the data's smallest value it is
        // inside; a width beyond the top it is outside, one input more of the share.
        var scorer = new RiskScorer(registry);
        var term = terms.Select((t, k) => (t, k)).First(p => TelematicsFeatures.Schema.IndexOf(p.t.Factor.Feature) >= 0);
        var index = TelematicsFeatures.Schema.IndexOf(term.t.Factor.Feature);
        double Share(float value)
        {
            var features = data.Features(0).ToArray();
            features[index] = value;
            return scorer.Score(new ScoreRequest { DriverId = data.DriverIds[0], Features = features, ObservedDays = data.ObservedDays[0] }).OutOfRangeShare!.Value;
        }

        var inside = Share((float)term.t.Median);
        Assert.Equal(inside, Share((float)ranges[term.k].Min));
        Assert.Equal(inside + (1.0 / terms.Count), Share((float)(ranges[term.k].Max + ranges[term.k].Max - ranges[term.k].Min)), 9);
    }
}
