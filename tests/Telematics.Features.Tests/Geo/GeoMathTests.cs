using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Geo;

namespace Telematics.Features.Tests.Geo;

public sealed class GeoMathTests
{
    [Fact]
    public void One_degree_of_latitude_is_the_arc_of_the_mean_earth_radius()
    {
        var metres = GeoMath.HaversineM(10, 20, 11, 20);

        Assert.Equal(GeoMath.EarthRadiusM * Math.PI / 180.0, metres, 1e-6);
    }

    [Fact]
    public void Paris_to_London_is_about_344_km()
    {
        var km = GeoMath.HaversineM(48.8566, 2.3522, 51.5074, -0.1278) / 1000.0;

        Assert.InRange(km, 343.0, 344.5);
    }

    [Fact]
    public void Distance_across_the_antimeridian_is_short()
    {
        var metres = GeoMath.HaversineM(0, 179.999, 0, -179.999);

        Assert.InRange(metres, 222.0, 223.0);
    }

    [Theory]
    [InlineData(0, 0, 1, 0, 0)]
    [InlineData(0, 0, 0, 1, 90)]
    [InlineData(0, 0, -1, 0, 180)]
    [InlineData(0, 0, 0, -1, 270)]
    public void Bearing_points_along_the_compass(double lat1, double lon1, double lat2, double lon2, double expected)
    {
        Assert.Equal(expected, GeoMath.BearingDeg(lat1, lon1, lat2, lon2), 1e-9);
    }

    [Theory]
    [InlineData(350, 10, 20)]
    [InlineData(10, 350, -20)]
    [InlineData(0, 180, 180)]
    [InlineData(90, 90, 0)]
    [InlineData(-170, 170, -20)]
    [InlineData(720, 45, 45)]
    public void Heading_difference_wraps_to_plus_minus_180(double from, double to, double expected)
    {
        Assert.Equal(expected, GeoMath.HeadingDifferenceDeg(from, to), 1e-9);
    }

    [Property]
    public Property Heading_difference_is_in_range_and_turns_from_into_to(NormalFloat from, NormalFloat to)
    {
        var a = from.Get % 1000;
        var b = to.Get % 1000;
        var d = GeoMath.HeadingDifferenceDeg(a, b);
        var landed = (((a + d - b) % 360.0) + 360.0) % 360.0;
        return (d > -180.0 && d <= 180.0 && (landed < 1e-6 || landed > 360.0 - 1e-6)).ToProperty();
    }

    [Property]
    public Property Local_projection_matches_haversine_within_a_hundredth_of_a_percent_for_short_segments()
    {
        var gen = from lat in Gen.Choose(-7500, 7500)
                  from lon in Gen.Choose(-17900, 17900)
                  from heading in Gen.Choose(0, 359)
                  from metres in Gen.Choose(1, 3000)
                  select (lat / 100.0, lon / 100.0, (double)heading, (double)metres);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (lat, lon, heading, metres) = input;
            var (lat2, lon2) = TestTracks.Move(lat, lon, heading, metres);
            var projection = default(LocalProjection);
            var fast = projection.DistanceM(lat, lon, lat2, lon2);
            var exact = GeoMath.HaversineM(lat, lon, lat2, lon2);
            return Math.Abs(fast - exact) <= exact * 1e-4;
        });
    }
}
