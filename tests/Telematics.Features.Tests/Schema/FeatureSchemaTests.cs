using Telematics.Features.Schema;

namespace Telematics.Features.Tests.Schema;

public sealed class FeatureSchemaTests
{
    private static readonly FeatureDefinition Distance = new("distance_km", "km", "Distance driven.");
    private static readonly FeatureDefinition Night = new("night_share", "share", "Share of km driven 22:00–05:00 local.");

    [Fact]
    public void Features_are_found_by_name_in_vector_order()
    {
        var schema = new FeatureSchema("telematics", 1, [Distance, Night]);

        Assert.Equal(2, schema.Count);
        Assert.Equal(1, schema.IndexOf("night_share"));
        Assert.True(schema.TryGetIndex("distance_km", out var index));
        Assert.Equal(0, index);
        Assert.Equal("telematics@1", schema.ToString());
    }

    [Fact]
    public void An_unknown_feature_is_reported_with_the_schema_it_was_looked_up_in()
    {
        var schema = new FeatureSchema("telematics", 3, [Distance]);

        var error = Assert.Throws<KeyNotFoundException>(() => schema.IndexOf("speeding_share"));

        Assert.Contains("'speeding_share'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'telematics' v3", error.Message, StringComparison.Ordinal);
        Assert.False(schema.TryGetFeature("speeding_share", out _));
    }

    [Fact]
    public void A_repeated_feature_name_is_refused_with_the_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new FeatureSchema("telematics", 1, [Distance, Night, Distance]));

        Assert.Contains("'distance_km' appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_schema_or_a_version_below_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FeatureSchema("telematics", 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureSchema("telematics", 0, [Distance]));
    }

    [Fact]
    public void The_sdk_schema_lists_every_feature_group_of_the_design_once()
    {
        var schema = TelematicsFeatures.Schema;

        Assert.Equal("telematics@1", schema.ToString());
        Assert.Equal(29, schema.Count);
        Assert.Equal(0, schema.IndexOf(TelematicsFeatures.DistanceKm));
        Assert.Equal(schema.Count - 1, schema.IndexOf(TelematicsFeatures.DroppedRecordShare));
        foreach (var feature in schema.Features)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", feature.Name);
            Assert.False(string.IsNullOrWhiteSpace(feature.Unit));
        }
    }
}
