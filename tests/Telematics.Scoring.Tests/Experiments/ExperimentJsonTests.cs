using Telematics.Scoring.Experiments;

namespace Telematics.Scoring.Tests.Experiments;

public sealed class ExperimentJsonTests
{
    private const string Example = """
        {
          "name": "risk-2026q4",
          "salt": "q4-7f3a",
          "variants": [
            { "name": "control", "model": "champion", "weight_bp": 9000 },
            { "name": "gbm", "model": "risk-gbm@3.0.0", "weight_bp": 1000 },
            { "name": "nn_shadow", "model": "risk-nn@0.4.0", "shadow": true }
          ]
        }
        """;

    [Fact]
    public void The_documented_example_loads()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "experiments", "risk-2026q4.json");
        var experiment = ExperimentJson.Load(path);

        Assert.Equal("risk-2026q4", experiment.Name);
        Assert.Equal(3, experiment.Variants.Count);
        Assert.Equal("nn_shadow", Assert.Single(experiment.ShadowVariants).Name);
    }

    [Fact]
    public void Variants_read_their_models_weights_and_roles()
    {
        var experiment = ExperimentJson.Parse(Example);

        Assert.Equal(ModelReference.Parse("risk-gbm@3.0.0"), experiment.Variants[1].Model);
        Assert.Equal(1_000, experiment.Variants[1].WeightBasisPoints);
        Assert.True(experiment.Variants[2].IsShadow);
    }

    [Fact]
    public void A_written_reweighted_experiment_reads_back_to_the_same_assignment_of_every_bucket()
    {
        var reweighted = ExperimentJson.Parse(Example).Reweight(new Dictionary<string, int> { ["control"] = 7_500, ["gbm"] = 2_500 });
        var reread = ExperimentJson.Parse(ExperimentJson.Write(reweighted));

        for (var b = 0; b < ExperimentBuckets.Count; b++)
        {
            Assert.Equal(reweighted.VariantOfBucket(b).Name, reread.VariantOfBucket(b).Name);
        }

        Assert.True(reread.ShadowVariants[0].IsShadow);
    }

    [Theory]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight_bp": 9999 } ] }""", "variants", "sum to 9999")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight": 10000 } ] }""", "variants[0].weight", "not a known property")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m" } ] }""", "variants[0].weight_bp", "is required")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight_bp": "10000" } ] }""", "variants[0].weight_bp", "whole number")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "weight_bp": 10000 } ] }""", "variants[0].model", "is required")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m@", "weight_bp": 10000 } ] }""", "variants[0].model", "version ''")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight_bp": 10000 }, { "name": "b", "model": "m", "shadow": true, "weight_bp": 5 } ] }""", "variants[1].weight_bp", "shadow")]
    [InlineData("""{ "name": "e", "variants": [ { "name": "a", "model": "m", "weight_bp": 10000 } ] }""", "salt", "required")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ { "name": "a", "model": "m", "weight_bp": 10000, "buckets": [[0, 10000, 3]] } ] }""", "variants[0].buckets[0]", "pair")]
    [InlineData("""{ "name": "e", "salt": "s", "variants": [ """, "$", "not valid JSON")]
    public void Invalid_documents_are_refused_with_the_field_named(string json, string field, string fragment)
    {
        var error = Assert.Throws<ExperimentDefinitionException>(() => ExperimentJson.Parse(json));
        Assert.Equal(field, error.Field);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Telematics.sln not found above the test binaries.");
    }
}
