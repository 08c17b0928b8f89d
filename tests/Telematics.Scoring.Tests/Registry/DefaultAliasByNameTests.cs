using Microsoft.Extensions.DependencyInjection;
using Telematics.Features.Schema;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

/// <summary>The default alias named explicitly ("champion") resolves as a request naming none does, where no alias file names it.</summary>
public sealed class DefaultAliasByNameTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void An_experiment_arm_on_champion_starts_with_no_configuration_and_is_served_by_the_built_in_model()
    {
        var experiment = new ExperimentDefinition("zero-config", "s", [new ExperimentVariant("only", ModelReference.Parse("champion"), 10_000)]);
        using var provider = new ServiceCollection().AddTelematicsScoring(b => b.UseExperiment(experiment)).BuildServiceProvider();
        var vector = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);

        var score = provider.GetRequiredService<ExperimentScorer>().Score("d-1", vector, "zero-config");

        Assert.Equal((ModelPackage.BuiltInName, ModelPackage.BuiltInVersion), (score.ModelName, score.ModelVersion));
    }

    [Fact]
    public void Champion_by_name_on_a_single_package_registry_is_that_package()
    {
        using var registry = ModelRegistry.ForPackage(ModelPackageLoader.Load(_packages.WriteConstantVersion("solo", 3)));

        using var byName = registry.Acquire(null, "champion");

        Assert.Equal(("solo", "3"), (byName.Package.Name, byName.Package.Version));
    }

    [Fact]
    public void Champion_by_name_without_an_alias_file_is_the_highest_version_and_an_alias_file_still_decides()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        using (var registry = _packages.OpenRegistry())
        {
            using var implicitly = registry.Acquire("m");
            using var byName = registry.Acquire("m", "champion");
            Assert.Equal(("2", "2"), (implicitly.Package.Version, byName.Package.Version));
            Assert.False(registry.TryAcquire("m", "challenger", out _));
        }

        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "1");
        using (var registry = _packages.OpenRegistry())
        {
            using var byName = registry.Acquire("m", "champion");
            Assert.Equal("1", byName.Package.Version);
        }
    }
}
