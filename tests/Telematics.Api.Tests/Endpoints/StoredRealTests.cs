using Telematics.Api.Endpoints;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Figures kept as <c>real</c> are written as the stored float in its shortest decimal, the same before and after storing.</summary>
public sealed class StoredRealTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(38.4)]
    [InlineData(1.0 / 3)]
    [InlineData(0.0)]
    [InlineData(100.0)]
    public void A_computed_figure_and_its_stored_float_are_written_alike(double computed)
    {
        var stored = (double)(float)computed; // what a read of the real column gives

        Assert.Equal(StoredReal.Of(computed), StoredReal.Of(stored));
        Assert.Equal(((float)computed).ToString(System.Globalization.CultureInfo.InvariantCulture), StoredReal.Of(stored).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_widened_float_is_written_short_and_a_missing_figure_stays_missing()
    {
        Assert.Equal("0.30000001192092896", ((double)0.3f).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.3, StoredReal.Of((double)0.3f));
        Assert.Null(StoredReal.Of((double?)null));
    }
}
