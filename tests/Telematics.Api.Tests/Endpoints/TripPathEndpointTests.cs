using System.Globalization;
using System.Net;
using System.Text;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary><c>GET /api/v1/telematics/trips/{tripId}/path</c>: the path thinned for drawing, the harsh events where they peaked.</summary>
public sealed class TripPathEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_trip_is_drawn_with_its_harsh_brake_where_it_peaked_for_its_driver_another_driver_gets_404_and_an_analyst_403()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "path-" + Guid.NewGuid().ToString("N"));
        using var ingested = await admin.PostAsync(Url($"/api/v1/telematics/events?driverId={driver}"), DrivingBodies.Content(BrakingTrip(), "text/csv"));
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        var tripId = await TripIdAsync(driver);

        using var response = await admin.GetAsync(Url($"/api/v1/telematics/trips/{tripId}/path"));
        var body = await ProblemAssert.JsonAsync(response);
        using var trip = await admin.GetAsync(Url($"/api/v1/telematics/trips/{tripId}"));
        var brakes = (await ProblemAssert.JsonAsync(trip)).GetProperty("harshBrakeCount").GetInt32();
        using var asOtherDriver = host.ClientAs(TestTokens.Driver((driver + 1000).ToString(CultureInfo.InvariantCulture)));
        using var refused = await asOtherDriver.GetAsync(Url($"/api/v1/telematics/trips/{tripId}/path"));
        using var asOwner = host.ClientAs(TestTokens.Driver(driver.ToString(CultureInfo.InvariantCulture)));
        using var owned = await asOwner.GetAsync(Url($"/api/v1/telematics/trips/{tripId}/path"));
        using var asAnalyst = host.ClientAs(TestTokens.Analyst());
        using var withheld = await asAnalyst.GetAsync(Url($"/api/v1/telematics/trips/{tripId}/path"));
        using var analystTrip = await asAnalyst.GetAsync(Url($"/api/v1/telematics/trips/{tripId}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var points = body.GetProperty("points");
        Assert.InRange(points.GetArrayLength(), 2, 600);
        Assert.Equal(-25.4, points[0][0].GetDouble(), 6);
        var brake = Assert.Single(body.GetProperty("events").EnumerateArray());
        Assert.Equal(1, brakes);
        Assert.Equal("harsh_braking", brake.GetProperty("kind").GetString());
        Assert.Equal(-6.0, brake.GetProperty("peakMps2").GetDouble(), 3);
        Assert.Equal(DrivingBodies.Start.AddSeconds(601), brake.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        // Positions are for the admin and the driver; an analyst reads the trip and its features, not where it went.
        Assert.Equal(HttpStatusCode.OK, owned.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withheld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, analystTrip.StatusCode);
    }

    // One 20-minute trip east at 15 m/s with a hard brake at 600–602 s, strongest at 601 s.
    private static string BrakingTrip()
    {
        var text = new StringBuilder("timestamp,lat,lon,speed_mps,accel_lon_mps2,event_id\n");
        foreach (var (ms, lat, lon, speed, id) in DrivingBodies.Samples(1, 1200))
        {
            var second = id - 1;
            var accel = second switch { 601 => -6.0, 600 or 602 => -4.5, _ => 0.0 };
            text.Append(CultureInfo.InvariantCulture, $"{ms},{lat:R},{lon:R},{speed:R},{accel:R},{id}\n");
        }

        return text.ToString();
    }

    private static Uri Url(FormattableString path) => new(path.ToString(CultureInfo.InvariantCulture), UriKind.Relative);

    private async Task<long> TripIdAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT trip_id FROM trips WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
