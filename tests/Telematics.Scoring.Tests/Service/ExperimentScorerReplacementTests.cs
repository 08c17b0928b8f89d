using Microsoft.Extensions.DependencyInjection;
using Telematics.Features.Schema;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Rules;
using Telematics.Scoring.Service;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Service;

/// <summary>
/// Experiments changed at run time: model <c>risk</c> versions 1 and 2 score 10 and 20 (see <see cref="ExperimentScorerTests"/>).
/// </summary>
public sealed class ExperimentScorerReplacementTests : IDisposable
{
    private readonly TestPackages _packages = new();
    private readonly ServiceProvider _provider;

    public ExperimentScorerReplacementTests()
    {
        _packages.WriteConstantVersion("risk", 1);
        _packages.WriteConstantVersion("risk", 2);
        _provider = new ServiceCollection()
            .AddTelematicsScoring(b => b.UseModelDirectory(_packages.ModelsRoot).UseDefaultModel("risk").WatchForChanges(false)
                .UseExperiment(Single("live", "risk@1")))
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _packages.Dispose();
    }

    private ExperimentScorer Scorer => _provider.GetRequiredService<ExperimentScorer>();

    private static ExperimentDefinition Single(string name, string model) =>
        new(name, "salt", [new ExperimentVariant("only", ModelReference.Parse(model), 10_000)]);

    private static float[] Vector()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        RuleBasedModel.Default.CopyReferenceRow(vector);
        return vector;
    }

    [Fact]
    public void A_replaced_experiment_serves_the_new_definition_on_the_next_score()
    {
        var before = Scorer.Score("d-1", Vector(), "live");

        var previous = Scorer.SetExperiment(Single("live", "risk@2"));
        var after = Scorer.Score("d-1", Vector(), "live");

        Assert.Equal("1", before.ModelVersion);
        Assert.Equal("risk@1", previous!.Variants[0].Model.ToString());
        Assert.Equal("2", after.ModelVersion);
    }

    [Fact]
    public void A_new_experiment_is_listed_and_found_after_it_is_set()
    {
        var previous = Scorer.SetExperiment(Single("added", "risk@2"));

        Assert.Null(previous);
        Assert.Equal(["added", "live"], Scorer.ExperimentNames);
        Assert.True(Scorer.TryGetExperiment("added", out var found));
        Assert.Equal("added", found.Name);
        Assert.False(Scorer.TryGetExperiment("absent", out _));
    }

    [Fact]
    public void An_experiment_whose_model_is_not_served_is_refused_naming_the_variant_field_and_the_old_one_stays()
    {
        var bad = new ExperimentDefinition("live", "salt", [
            new ExperimentVariant("control", ModelReference.Parse("risk@1"), 5_000),
            new ExperimentVariant("treatment", ModelReference.Parse("risk@9"), 5_000),
        ]);

        var error = Assert.Throws<ExperimentDefinitionException>(() => Scorer.SetExperiment(bad));

        Assert.Equal("variants[1].model", error.Field);
        Assert.Contains("risk@9", error.Message, StringComparison.Ordinal);
        Assert.Equal("risk@1", Scorer.GetExperiment("live").Variants[0].Model.ToString());
        Assert.Single(Scorer.GetExperiment("live").Variants);
    }
}
