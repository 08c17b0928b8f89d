using Telematics.Scoring.Experiments;

namespace Telematics.Scoring.Tests.Experiments;

public sealed class ModelReferenceTests
{
    [Fact]
    public void An_alias_has_no_version()
    {
        var reference = ModelReference.Parse("champion");
        Assert.True(reference.IsAlias);
        Assert.Equal("champion", reference.Name);
        Assert.Equal("champion", reference.ToString());
    }

    [Fact]
    public void A_pinned_reference_splits_name_and_version()
    {
        var reference = ModelReference.Parse("risk-gbm@3.0.0");
        Assert.False(reference.IsAlias);
        Assert.Equal("risk-gbm", reference.Name);
        Assert.Equal("3.0.0", reference.Version);
        Assert.Equal("risk-gbm@3.0.0", reference.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("risk gbm", "alias 'risk gbm'")]
    [InlineData("@3", "name ''")]
    [InlineData("risk@", "version ''")]
    [InlineData("risk@1@2", "version '1@2'")]
    public void Malformed_references_are_refused_with_the_part_named(string text, string expectedFragment)
    {
        var error = Assert.Throws<FormatException>(() => ModelReference.Parse(text));
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
    }
}
