using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Service;

/// <summary>
/// End to end over a real model directory: model <c>risk</c> versions 1 and 2 are ONNX packages whose raw
/// output is their version number (score = 10 × version), with alias champion → 1, challenger → 2.
/// </summary>
public sealed class ExperimentScorerTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public ExperimentScorerTests()
    {
        _packages.WriteConstantVersion("risk", 1);
        _packages.WriteConstantVersion("risk", 2);
        File.WriteAllText(Path.Combine(_packages.ModelsRoot, "risk", "aliases.json"), """{"champion": "1", "challenger": "2"}""");
    }

    public void Dispose() => _packages.Dispose();

    private static float[] Vector()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);
        return vector;
    }

    private static string[] Drivers(int count) => [.. Enumerable.Range(0, count).Select(i => $"driver-{i}")];

    private static ExperimentDefinition Split(int controlBp, string treatmentModel = "risk@2", string salt = "s1") =>
        new("pricing-test", salt, [
            new ExperimentVariant("control", ModelReference.Parse("champion"), controlBp),
            new ExperimentVariant("treatment", ModelReference.Parse(treatmentModel), 10_000 - controlBp),
        ]);

    private ServiceProvider Provider(Action<TelematicsScoringBuilder> experiments) =>
        new ServiceCollection()
            .AddTelematicsScoring(b => experiments(b.UseModelDirectory(_packages.ModelsRoot).UseDefaultModel("risk").WatchForChanges(false)))
            .BuildServiceProvider();

    [Fact]
    public void Each_driver_is_scored_by_the_model_of_the_variant_it_is_assigned_to()
    {
        var experiment = Split(5000);
        using var provider = Provider(b => b.UseExperiment(experiment));
        var scorer = provider.GetRequiredService<ExperimentScorer>();

        var seen = new HashSet<string>();
        foreach (var driver in Drivers(200))
        {
            var result = scorer.Score(driver, Vector(), "pricing-test");
            var expected = experiment.Assign(driver).VariantName;
            var version = expected == "control" ? "1" : "2";
            Assert.Equal(("risk", version), (result.ModelName, result.ModelVersion));
            Assert.Equal(10.0 * int.Parse(version, System.Globalization.CultureInfo.InvariantCulture), result.Score, 6);
            Assert.Equal(new Telematics.Scoring.Results.ExperimentVariantLabel("pricing-test", expected), result.Experiment);
            seen.Add(expected);
        }

        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void Shadow_variant_is_scored_and_returned_beside_the_served_score_but_never_served()
    {
        var experiment = new ExperimentDefinition("shadowing", "s", [
            new ExperimentVariant("control", ModelReference.Parse("risk@1"), 10_000),
            ExperimentVariant.Shadow("candidate", ModelReference.Parse("challenger")),
        ]);
        using var provider = Provider(b => b.UseExperiment(experiment));

        var result = provider.GetRequiredService<ExperimentScorer>().Score("d-7", Vector(), "shadowing");

        Assert.Equal(("1", 10.0), (result.ModelVersion, Math.Round(result.Score, 6)));
        Assert.Equal("control", result.Experiment!.Value.Variant);
        var shadow = Assert.Single(result.ShadowScores);
        Assert.Equal(("risk", "2", 20.0), (shadow.ModelName, shadow.ModelVersion, Math.Round(shadow.Score, 6)));
        Assert.Equal(new Telematics.Scoring.Results.ExperimentVariantLabel("shadowing", "candidate"), shadow.Experiment);
    }

    [Fact]
    public void Scores_are_counted_in_metrics_under_their_variant_including_shadows()
    {
        var experiment = new ExperimentDefinition("metered", "s", [
            new ExperimentVariant("control", ModelReference.Parse("risk@1"), 10_000),
            ExperimentVariant.Shadow("candidate", ModelReference.Parse("risk@2")),
        ]);
        using var provider = Provider(b => b.UseExperiment(experiment));
        var scorer = provider.GetRequiredService<ExperimentScorer>();
        var metrics = provider.GetRequiredService<ScoringMetrics>();
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ScoringMetrics.MeterName && instrument.Name == "telematics.scoring.scores")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "variant")
                {
                    lock (counts)
                    {
                        counts[$"{tag.Value}"] = counts.GetValueOrDefault($"{tag.Value}") + value;
                    }
                }
            }
        });
        listener.Start();
        Assert.NotNull(metrics);

        for (var i = 0; i < 3; i++)
        {
            scorer.Score($"d-{i}", Vector(), "metered");
        }

        Assert.Equal(3, counts.GetValueOrDefault("control"));
        Assert.Equal(3, counts.GetValueOrDefault("candidate"));
    }

    [Fact]
    public void Same_driver_gets_the_same_variant_and_model_in_two_separate_service_instances()
    {
        var file = Path.Combine(_packages.Root, "experiment.json");
        File.WriteAllText(file, ExperimentJson.Write(Split(3000)));
        using var first = Provider(b => b.UseExperiment(file));
        using var second = Provider(b => b.UseExperiment(file));

        foreach (var driver in Drivers(300))
        {
            var a = first.GetRequiredService<ExperimentScorer>().Score(driver, Vector(), "pricing-test", includeContributions: false);
            var b = second.GetRequiredService<ExperimentScorer>().Score(driver, Vector(), "pricing-test", includeContributions: false);
            Assert.Equal((a.Experiment, a.ModelVersion), (b.Experiment, b.ModelVersion));
        }
    }

    [Fact]
    public void Reweighting_moves_only_control_drivers_to_the_treatment_model_and_no_one_back()
    {
        var before = Split(9000);
        var after = before.Reweight(new Dictionary<string, int> { ["control"] = 8000, ["treatment"] = 2000 });
        using var oldProvider = Provider(b => b.UseExperiment(before));
        using var newProvider = Provider(b => b.UseExperiment(after));

        var moved = 0;
        var drivers = Drivers(3000);
        var changedOwner = drivers.Count(d => before.Assign(d).VariantName != after.Assign(d).VariantName);
        foreach (var driver in drivers)
        {
            var was = oldProvider.GetRequiredService<ExperimentScorer>().Score(driver, Vector(), "pricing-test", includeContributions: false);
            var now = newProvider.GetRequiredService<ExperimentScorer>().Score(driver, Vector(), "pricing-test", includeContributions: false);
            if (was.ModelVersion == now.ModelVersion)
            {
                continue;
            }

            Assert.Equal(("1", "2"), (was.ModelVersion, now.ModelVersion));
            moved++;
        }

        Assert.Equal(changedOwner, moved);

        // 1 000 of 10 000 buckets changed owner: about 10 % of drivers (300 ± 4σ with σ ≈ 16).
        Assert.InRange(moved, 236, 364);
    }

    [Fact]
    public void Variant_with_a_reference_the_registry_does_not_serve_is_refused_at_start_up_naming_it()
    {
        using var provider = Provider(b => b.UseExperiment(Split(5000, treatmentModel: "risk@9")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Experiment 'pricing-test', variant 'treatment': model reference 'risk@9' is not served", error.Message, StringComparison.Ordinal);
        var resolved = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ExperimentScorer>());
        Assert.Contains("'risk@9'", resolved.Message, StringComparison.Ordinal);
        var direct = Assert.Throws<InvalidOperationException>(() => new ExperimentScorer(provider.GetRequiredService<RiskScorer>(), [Split(5000, treatmentModel: "risk@9")]));
        Assert.Contains("variant 'treatment': model reference 'risk@9'", direct.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Experiment_file_that_is_invalid_fails_start_up_naming_the_file_and_field()
    {
        var file = Path.Combine(_packages.Root, "bad.json");
        File.WriteAllText(file, """{"name": "x", "salt": "s", "variants": [{"name": "a", "model": "champion", "weight_bp": 9000}]}""");
        using var provider = Provider(b => b.UseExperiment(file));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("bad.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("variants", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_experiments_with_one_name_are_refused()
    {
        using var provider = Provider(b => b.UseExperiment(Split(5000)).UseExperiment(Split(2000)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("'pricing-test' is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_removed_at_run_time_fails_the_served_score_naming_experiment_variant_and_reference()
    {
        using var provider = Provider(b => b.UseExperiment(Split(0, treatmentModel: "challenger")));
        var scorer = provider.GetRequiredService<ExperimentScorer>();
        Assert.Equal("2", scorer.Score("d-1", Vector(), "pricing-test").ModelVersion);

        File.WriteAllText(Path.Combine(_packages.ModelsRoot, "risk", "aliases.json"), """{"champion": "1"}""");
        provider.GetRequiredService<ModelRegistry>().Reload();

        var error = Assert.Throws<KeyNotFoundException>(() => scorer.Score("d-1", Vector(), "pricing-test"));
        Assert.Contains("Experiment 'pricing-test', variant 'treatment': model reference 'challenger'", error.Message, StringComparison.Ordinal);
        Assert.Single(scorer.FindUnresolvedReferences());
    }

    [Fact]
    public void A_served_variant_whose_reference_is_lost_is_counted_as_a_failure_of_that_variant()
    {
        var experiment = new ExperimentDefinition("losing", "s", [
            new ExperimentVariant("lost-arm", ModelReference.Parse("challenger"), 10_000),
        ]);
        using var provider = Provider(b => b.UseExperiment(experiment));
        var scorer = provider.GetRequiredService<ExperimentScorer>();
        using var counters = new ScoringCounters();
        scorer.Score("d-1", Vector(), "losing");

        File.WriteAllText(Path.Combine(_packages.ModelsRoot, "risk", "aliases.json"), """{"champion": "1"}""");
        provider.GetRequiredService<ModelRegistry>().Reload();

        Assert.Throws<KeyNotFoundException>(() => scorer.Score("d-1", Vector(), "losing"));
        Assert.Equal((1, 1), (counters.Scores("lost-arm"), counters.Failures("lost-arm")));
    }

    [Fact]
    public void Unknown_experiment_name_is_refused_listing_the_registered_ones()
    {
        using var provider = Provider(b => b.UseExperiment(Split(5000)));

        var error = Assert.Throws<KeyNotFoundException>(() => provider.GetRequiredService<ExperimentScorer>().Score("d", Vector(), "nope"));

        Assert.Contains("registered: pricing-test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_experiment_the_default_model_serves_and_no_shadows_are_attached()
    {
        using var provider = Provider(b => b.UseExperiment(Split(5000)));

        var result = provider.GetRequiredService<ExperimentScorer>().Score("d", Vector(), experimentName: null);

        Assert.Equal(("1", null), (result.ModelVersion, result.Experiment));
        Assert.Empty(result.ShadowScores);
    }

    [Fact]
    public async Task Batch_in_an_experiment_counts_drivers_per_variant_as_assigned()
    {
        var experiment = Split(7000);
        using var provider = Provider(b => b.UseExperiment(experiment));
        var drivers = Drivers(500).Select(d => new DriverFeatures(d, Vector())).ToArray();

        var result = await provider.GetRequiredService<ExperimentScorer>().ScoreBatchAsync(drivers, "pricing-test", new BatchScoreOptions { ChunkSize = 64, MaxDegreeOfParallelism = 2 });

        var control = drivers.Count(d => experiment.Assign(d.DriverId).VariantName == "control");
        Assert.Empty(result.Failures);
        Assert.Equal(control, result.Summary.ByVariant["pricing-test/control"]);
        Assert.Equal(500 - control, result.Summary.ByVariant["pricing-test/treatment"]);
        Assert.Equal(control, result.Summary.ByModelVersion["risk@1"]);
        for (var i = 0; i < drivers.Length; i++)
        {
            Assert.Equal(experiment.Assign(drivers[i].DriverId).VariantName, result.Scores[i]!.Experiment!.Value.Variant);
        }
    }

    private sealed class OnFirstReport(Action action) : IProgress<BatchProgress>
    {
        private int _reports;

        public void Report(BatchProgress value)
        {
            if (Interlocked.Increment(ref _reports) == 1)
            {
                action();
            }
        }
    }

    [Fact]
    public async Task Batch_in_an_experiment_scores_each_variant_on_the_version_it_resolved_to_at_the_start()
    {
        var experiment = Split(5000);
        using var provider = Provider(b => b.UseExperiment(experiment));
        var registry = provider.GetRequiredService<ModelRegistry>();
        var drivers = Drivers(200).Select(d => new DriverFeatures(d, Vector())).ToArray();

        // After the first chunk champion (the control's alias) is promoted to 2 and version 1 is retired.
        var progress = new OnFirstReport(() =>
        {
            registry.Promote("risk", "2");
            Directory.Delete(Path.Combine(_packages.ModelsRoot, "risk", "1"), recursive: true);
            Assert.Equal(["risk@1"], registry.Reload().Removed);
        });
        var result = await provider.GetRequiredService<ExperimentScorer>().ScoreBatchAsync(
            drivers, "pricing-test", new BatchScoreOptions { ChunkSize = 10, MaxDegreeOfParallelism = 1 }, progress);

        Assert.Empty(result.Failures);
        var control = drivers.Count(d => experiment.Assign(d.DriverId).VariantName == "control");
        Assert.Equal(control, result.Summary.ByModelVersion["risk@1"]);
        Assert.Equal(200 - control, result.Summary.ByModelVersion["risk@2"]);
        for (var i = 0; i < drivers.Length; i++)
        {
            var expected = experiment.Assign(drivers[i].DriverId).VariantName == "control" ? "1" : "2";
            Assert.Equal(expected, result.Scores[i]!.ModelVersion);
        }
    }
}
