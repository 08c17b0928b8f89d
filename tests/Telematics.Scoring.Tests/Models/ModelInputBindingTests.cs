using Telematics.Features.Schema;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Tests.Models;

public sealed class ModelInputBindingTests
{
    [Fact]
    public void Gather_copies_schema_values_into_model_input_order()
    {
        var schema = TelematicsFeatures.Schema;
        var binding = ModelInputBinding.Create(schema, [TelematicsFeatures.PhoneMovingShare, TelematicsFeatures.DistanceKm]);
        var vector = new float[schema.Count];
        vector[schema.IndexOf(TelematicsFeatures.DistanceKm)] = 123f;
        vector[schema.IndexOf(TelematicsFeatures.PhoneMovingShare)] = 0.25f;
        var row = new float[2];

        binding.Gather(vector, row);

        Assert.Equal([0.25f, 123f], row);
    }

    [Fact]
    public void Binding_an_unknown_feature_names_it_and_the_schema()
    {
        var error = Assert.Throws<ModelBindingException>(() => ModelInputBinding.Create(TelematicsFeatures.Schema, ["distance_km", "distance_miles"]));

        Assert.Contains("'distance_miles'", error.Message, StringComparison.Ordinal);
        Assert.Contains("telematics@1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_a_feature_twice_is_refused()
    {
        var error = Assert.Throws<ModelBindingException>(() => ModelInputBinding.Create(TelematicsFeatures.Schema, ["distance_km", "distance_km"]));

        Assert.Contains("bound twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gather_refuses_a_vector_of_another_length()
    {
        var binding = ModelInputBinding.AllFeatures(TelematicsFeatures.Schema);

        Assert.Throws<ArgumentException>(() => binding.Gather(new float[3], new float[binding.Count]));
    }
}
