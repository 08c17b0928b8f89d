using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.DependencyInjection;

public sealed class TelematicsScoringServiceCollectionExtensionsTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private static float[] ReferenceVector()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);
        return vector;
    }

    [Fact]
    public void Scoring_works_with_no_configuration_on_the_built_in_model()
    {
        using var provider = new ServiceCollection().AddTelematicsScoring().BuildServiceProvider();

        var result = provider.GetRequiredService<RiskScorer>().Score(new ScoreRequest { DriverId = "d", Features = ReferenceVector() });

        Assert.Equal(ModelPackage.BuiltInName, result.ModelName);
        Assert.NotNull(provider.GetRequiredService<BatchScorer>());
    }

    [Fact]
    public void Model_directory_and_default_model_come_from_the_builder()
    {
        _packages.WriteFolder(Path.Combine("models", "risk-gbm", "1"), TestPackages.TreeClassifierManifest(), TestOnnxModels.TreeClassifier());
        using var provider = new ServiceCollection()
            .AddTelematicsScoring(b => b.UseModelDirectory(_packages.ModelsRoot).UseDefaultModel("risk-gbm").WatchForChanges(false))
            .BuildServiceProvider();

        var result = provider.GetRequiredService<RiskScorer>().Score(new ScoreRequest { DriverId = "d", Features = ReferenceVector() });

        Assert.Equal(("risk-gbm", "1"), (result.ModelName, result.ModelVersion));
    }

    [Fact]
    public void Service_provider_overload_can_read_other_services()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new ModelDirectoryHolder(_packages.ModelsRoot));
        Directory.CreateDirectory(_packages.ModelsRoot);
        services.AddTelematicsScoring((sp, b) => b.UseModelDirectory(sp.GetRequiredService<ModelDirectoryHolder>().Path).WatchForChanges(false));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(_packages.ModelsRoot, provider.GetRequiredService<IOptions<ModelRegistryOptions>>().Value.ModelDirectory);
    }

    [Fact]
    public void Missing_model_directory_fails_options_validation_naming_it()
    {
        var missing = Path.Combine(_packages.Root, "nowhere");
        using var provider = new ServiceCollection().AddTelematicsScoring(b => b.UseModelDirectory(missing)).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ModelRegistry>());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_keeps_one_registry()
    {
        var services = new ServiceCollection().AddTelematicsScoring().AddTelematicsScoring();

        Assert.Single(services, d => d.ServiceType == typeof(ModelRegistry));
    }

    [Fact]
    public void Scores_are_counted_on_the_scoring_meter_tagged_by_model_and_variant()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Model, string? Variant)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ScoringMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? model = null, variant = null;
            foreach (var tag in tags)
            {
                model = tag.Key == "model" ? (string?)tag.Value : model;
                variant = tag.Key == "variant" ? (string?)tag.Value : variant;
            }

            measurements.Enqueue((instrument.Name, value, model, variant));
        });
        listener.Start();
        using var provider = new ServiceCollection().AddTelematicsScoring().BuildServiceProvider();

        provider.GetRequiredService<RiskScorer>().Score(new ScoreRequest
        {
            DriverId = "d",
            Features = ReferenceVector(),
            Experiment = new Telematics.Scoring.Results.ExperimentVariantLabel("exp", "b"),
        });

        Assert.Contains(measurements, m => m is ("telematics.scoring.scores", 1, ModelPackage.BuiltInName, "b"));
    }

    private sealed record ModelDirectoryHolder(string Path);
}
