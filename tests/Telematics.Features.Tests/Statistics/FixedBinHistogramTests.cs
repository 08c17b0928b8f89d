using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Statistics;

namespace Telematics.Features.Tests.Statistics;

public sealed class FixedBinHistogramTests
{
    [Property]
    public Property Median_of_values_is_within_half_a_bin_width(PositiveInt[] raw)
    {
        var values = Array.ConvertAll(raw, v => (v.Get % 10_000) / 100.0);
        if (values.Length == 0)
        {
            return true.ToProperty();
        }

        var histogram = new FixedBinHistogram(1.0, 101);
        foreach (var v in values)
        {
            histogram.Add(v, 1);
        }

        Array.Sort(values);
        var exact = values[(int)Math.Ceiling(0.5 * values.Length) - 1];
        return (Math.Abs(histogram.Quantile(0.5) - exact) <= 0.5).Label($"{histogram.Quantile(0.5)} vs {exact}");
    }

    [Fact]
    public void Merging_two_histograms_equals_adding_every_value_to_one()
    {
        var a = new FixedBinHistogram(0.5, 20);
        var b = new FixedBinHistogram(0.5, 20);
        var both = new FixedBinHistogram(0.5, 20);
        for (var i = 0; i < 30; i++)
        {
            (i % 2 == 0 ? a : b).Add(i * 0.3, i);
            both.Add(i * 0.3, i);
        }

        a.AddFrom(b);

        Assert.Equal(both.Bins.ToArray(), a.Bins.ToArray());
    }

    [Fact]
    public void Values_beyond_the_range_land_in_the_last_bin_and_negative_and_nan_in_the_first()
    {
        var histogram = new FixedBinHistogram(1.0, 10);
        histogram.Add(1_000.0, 1);
        histogram.Add(-3.0, 2);
        histogram.Add(double.NaN, 4);

        Assert.Equal(1, histogram.Bins[9]);
        Assert.Equal(6, histogram.Bins[0]);
        Assert.Equal(9.0, histogram.Quantile(1.0));
    }
}
