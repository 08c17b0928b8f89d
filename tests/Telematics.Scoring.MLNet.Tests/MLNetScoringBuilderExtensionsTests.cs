using Microsoft.Extensions.DependencyInjection;
using Telematics.Features.Schema;
using Telematics.Scoring.MLNet.Tests.TestModels;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;

namespace Telematics.Scoring.MLNet.Tests;

public sealed class MLNetScoringBuilderExtensionsTests : IDisposable
{
    private readonly MLNetPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Registry_serves_an_mlnet_package_once_UseMLNetModels_is_called()
    {
        var model = MLNetTestModels.Binary;
        _packages.WriteFolder(Path.Combine("models", "risk-mlnet", "1"), MLNetPackages.Manifest(model), model.Zip);
        using var provider = new ServiceCollection()
            .AddTelematicsScoring(b => b.UseModelDirectory(_packages.ModelsRoot).UseDefaultModel("risk-mlnet").WatchForChanges(false).UseMLNetModels().UseMLNetModels())
            .BuildServiceProvider();
        var scorer = provider.GetRequiredService<RiskScorer>();
        var rows = MLNetTestModels.Rows(1, seed: 31);
        var vector = new float[TelematicsFeatures.Schema.Count];
        for (var i = 0; i < 4; i++)
        {
            vector[TelematicsFeatures.Schema.IndexOf(MLNetTestModels.Features[i])] = rows[i];
        }

        var score = scorer.Score(new ScoreRequest { DriverId = "d-1", Features = vector });

        Assert.Equal(("risk-mlnet", "1"), (score.ModelName, score.ModelVersion));
        Assert.Equal(MLNetTestModels.Transform(model, rows)[0], score.RawOutput, 6);
        Assert.Equal(100 * score.RawOutput, score.Score, 6);
        Assert.Single(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ModelRegistryOptions>>().Value.ModelLoaders);
    }

    [Fact]
    public void Registry_without_the_loader_reports_the_package_to_add_and_keeps_serving()
    {
        var model = MLNetTestModels.Regression;
        var dir = _packages.WriteFolder(Path.Combine("models", "risk-mlnet", "1"), MLNetPackages.Manifest(model), model.Zip);
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });

        var failure = Assert.Single(registry.GetStatus().LastReloadFailures);

        Assert.Equal(dir, failure.Path);
        Assert.Contains("Telematics.Scoring.MLNet", failure.Message, StringComparison.Ordinal);
        Assert.False(registry.TryAcquire("risk-mlnet", null, out _));
    }

    [Fact]
    public void Registry_refuses_a_corrupt_mlnet_version_and_keeps_serving_the_good_one()
    {
        var model = MLNetTestModels.Regression;
        _packages.WriteFolder(Path.Combine("models", "risk-mlnet", "1"), MLNetPackages.Manifest(model, version: "1"), model.Zip);
        var corrupt = model.Zip[..(model.Zip.Length / 2)];
        _packages.WriteFolder(Path.Combine("models", "risk-mlnet", "2"), MLNetPackages.Manifest(model, version: "2"), corrupt);
        var options = new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false };
        options.ModelLoaders.Add(new MLNetModelLoader());
        using var registry = new ModelRegistry(options);

        using var lease = registry.Acquire("risk-mlnet");

        Assert.Equal("1", lease.Package.Version);
        var failure = Assert.Single(registry.GetStatus().LastReloadFailures);
        Assert.Contains("is not a loadable MLNet model", failure.Message, StringComparison.Ordinal);
    }
}
