using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Shipped;

namespace Telematics.Training.Tests.Shipped;

// The shipped model is built by this project's pipeline (scripts/build-shipped-model.sh), so its checks live here.
public sealed class ShippedModelTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-shipped-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_shipped_package_loads_its_hash_matches_and_it_scores_finite_frequencies()
    {
        var package = ShippedModel.Load();

        Assert.Equal(ShippedModel.Name, package.Name);
        Assert.Equal(ShippedModel.Sha256, package.Sha256);
        Assert.Equal(ModelOutputKind.Frequency, package.OutputKind);
        Assert.True(package.Metrics.HasValue);
        // Fitted on the stability drivers by the build: each score carries its interval.
        Assert.InRange(package.SamplingNoise!.PerTripSd, 0.3, 3);
        Assert.True(Telematics.Features.Schema.TelematicsFeaturesV2.Is(package.Model.Binding.Schema), "the shipped model reads the window-invariant schema");
        using var registry = ModelRegistry.ForPackage(package);
        var scorer = new Telematics.Scoring.Service.RiskScorer(registry);
        var rows = SmallPopulation.Data;
        var raw = new double[50];
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = scorer.Score(new Telematics.Scoring.Service.ScoreRequest { DriverId = rows.DriverIds[i], Features = rows.Features(i).ToArray(), ObservedDays = rows.ObservedDays[i] }).RawOutput;
        }

        Assert.All(raw, r => Assert.True(double.IsFinite(r) && r > 0 && r < 5, $"frequency {r}"));
        Assert.True(raw.Distinct().Count() > 5, "the model should tell drivers apart");
    }

    [Fact]
    public void The_extracted_model_file_matches_the_committed_one_byte_for_byte()
    {
        var folder = ShippedModel.ExtractTo(_directory);
        var committed = Path.Combine(RepositoryRoot(), "src", "Telematics.Scoring", "Shipped", "telematics-frequency", "model.onnx");

        Assert.Equal(File.ReadAllBytes(committed), File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        Assert.Equal(ShippedModel.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(committed))));
    }

    [Fact]
    public void UseShippedModel_serves_it_as_the_default_champion_while_the_rules_model_stays_the_unconfigured_default()
    {
        using var configured = new ServiceCollection().AddTelematicsScoring(b => b.UseShippedModel(_directory)).BuildServiceProvider();
        using (var lease = configured.GetRequiredService<ModelRegistry>().Acquire())
        {
            Assert.Equal(ShippedModel.Name, lease.Package.Name);
            Assert.Equal(ShippedModel.Version, lease.Package.Version);
        }

        Assert.Equal("champion", ModelAliases.Read(Path.Combine(_directory, ShippedModel.Name)).Single().Key);
        using var plain = new ServiceCollection().AddTelematicsScoring().BuildServiceProvider();
        using var builtIn = plain.GetRequiredService<ModelRegistry>().Acquire();
        Assert.Equal(ModelPackage.BuiltInName, builtIn.Package.Name);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Telematics.sln not found above the test binaries.");
    }
}
