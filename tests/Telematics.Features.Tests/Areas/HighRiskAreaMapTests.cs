using Telematics.Features.Areas;

namespace Telematics.Features.Tests.Areas;

public sealed class HighRiskAreaMapTests
{
    [Fact]
    public void A_polygon_covers_the_cells_whose_centres_are_inside_it()
    {
        var map = new HighRiskAreaMap(0, 0, 10, 10, cellSizeDeg: 1)
            .AddPolygon([2, 2, 6], [2, 8, 2], 0.8f); // right triangle with legs along 2°N and 2°E

        Assert.Equal(0.8f, map.WeightAt(2.5, 2.5));
        Assert.Equal(0.8f, map.WeightAt(3.9, 3.1));
        Assert.Equal(0f, map.WeightAt(5.5, 7.5));
        Assert.Equal(0f, map.WeightAt(1.5, 2.5));
    }

    [Fact]
    public void Overlapping_areas_keep_the_larger_weight_and_outside_the_grid_is_zero()
    {
        var map = new HighRiskAreaMap(50, 10, 51, 11, cellSizeDeg: 0.1)
            .AddCell(50.55, 10.55, 0.3f)
            .AddCell(50.56, 10.56, 0.9f)
            .AddCell(50.57, 10.57, 0.2f);

        Assert.Equal(0.9f, map.WeightAt(50.51, 10.59));
        Assert.Equal(0f, map.WeightAt(49.99, 10.5));
        Assert.Equal(0f, map.WeightAt(50.5, 11.01));
        Assert.Equal(0f, map.WeightAt(double.NaN, 10.5));
    }

    [Fact]
    public void Weights_outside_zero_to_one_and_cells_outside_the_grid_are_refused()
    {
        var map = new HighRiskAreaMap(50, 10, 51, 11);

        Assert.Throws<ArgumentOutOfRangeException>(() => map.AddCell(50.5, 10.5, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.AddCell(52, 10.5, 0.5f));
        Assert.Throws<ArgumentException>(() => map.AddPolygon([50.1, 50.2], [10.1, 10.2], 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HighRiskAreaMap(51, 10, 50, 11));
    }
}
