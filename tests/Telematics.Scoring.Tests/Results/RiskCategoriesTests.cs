using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Scoring.Results;

namespace Telematics.Scoring.Tests.Results;

public sealed class RiskCategoriesTests
{
    [Theory]
    [InlineData(0, RiskCategory.Excellent)]
    [InlineData(20, RiskCategory.Excellent)]
    [InlineData(20.0001, RiskCategory.Good)]
    [InlineData(40, RiskCategory.Good)]
    [InlineData(60, RiskCategory.Average)]
    [InlineData(80, RiskCategory.BelowAverage)]
    [InlineData(80.5, RiskCategory.High)]
    [InlineData(100, RiskCategory.High)]
    public void Band_upper_bounds_are_inclusive(double score, RiskCategory expected) =>
        Assert.Equal(expected, RiskCategories.FromScore(score));

    [Fact]
    public void A_NaN_score_is_refused() =>
        Assert.Throws<ArgumentException>(() => RiskCategories.FromScore(double.NaN));

    [Property]
    public Property Category_never_decreases_as_the_score_rises(NormalFloat a, NormalFloat b)
    {
        var (low, high) = a.Get <= b.Get ? (a.Get, b.Get) : (b.Get, a.Get);
        return (RiskCategories.FromScore(low) <= RiskCategories.FromScore(high)).ToProperty();
    }

    [Fact]
    public void Wire_names_are_lower_snake_case() =>
        Assert.Equal("below_average", RiskCategory.BelowAverage.ToWireName());
}
