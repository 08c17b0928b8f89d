using System.Globalization;
using System.Net;
using System.Text;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary><c>GET /api/v1/telematics/trips/{tripId}</c> lists the phone manoeuvres stored with the trip (migration 0021).</summary>
public sealed class TripManoeuvresEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_trip_lists_its_stored_phone_manoeuvres_in_time_order_and_a_trip_without_any_an_empty_list()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "manoeuvres-" + Guid.NewGuid().ToString("N"));
        using var ingested = await admin.PostAsync(Url($"/api/v1/telematics/events?driverId={driver}"), DrivingBodies.Content(Trip(), "text/csv"));
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        var tripId = await ScalarAsync($"SELECT trip_id FROM trips WHERE driver_id = {driver}");

        using var before = await admin.GetAsync(Url($"/api/v1/telematics/trips/{tripId}"));
        Assert.Equal(0, (await ProblemAssert.JsonAsync(before)).GetProperty("manoeuvres").GetArrayLength());

        await ScalarAsync(
            "WITH t AS (SELECT driver_id, trip_id, started_at s FROM trips WHERE trip_id = " + tripId.ToString(CultureInfo.InvariantCulture) + "), " +
            "i AS (INSERT INTO trip_manoeuvres (driver_id, trip_id, kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted) " +
            "SELECT driver_id, trip_id, 'phone_handling', s + interval '300 s', s + interval '312 s', NULL, NULL, NULL, 2.5, true FROM t UNION ALL " +
            "SELECT driver_id, trip_id, 'harsh_left_turn', s + interval '100 s', s + interval '104 s', s + interval '102 s', 4.8, 1.23, NULL, NULL FROM t RETURNING 1) " +
            "SELECT count(*) FROM i");
        using var response = await admin.GetAsync(Url($"/api/v1/telematics/trips/{tripId}"));
        var body = await ProblemAssert.JsonAsync(response);
        using var trips = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/trips?from=2026-03-01&to=2026-03-31"));
        var list = await ProblemAssert.JsonAsync(trips);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var manoeuvres = body.GetProperty("manoeuvres");
        Assert.Equal(2, manoeuvres.GetArrayLength());
        Assert.Equal("harsh_left_turn", manoeuvres[0].GetProperty("kind").GetString());
        Assert.Equal(body.GetProperty("startedAt").GetDateTimeOffset().AddSeconds(102), manoeuvres[0].GetProperty("peakAt").GetDateTimeOffset());
        Assert.Equal(4.8, manoeuvres[0].GetProperty("peakMps2").GetDouble(), 3);
        Assert.Equal("phone_handling", manoeuvres[1].GetProperty("kind").GetString());
        Assert.True(manoeuvres[1].GetProperty("remounted").GetBoolean());
        Assert.Equal(2.5, manoeuvres[1].GetProperty("peakRotationRadS").GetDouble(), 3);
        // Lists leave them out, as they leave out the features.
        Assert.Equal(HttpStatusCode.OK, trips.StatusCode);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.False(item.TryGetProperty("manoeuvres", out var listed) && listed.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    // A 20-minute trip east at 15 m/s, no harsh events of its own.
    private static string Trip()
    {
        var text = new StringBuilder("timestamp,lat,lon,speed_mps,event_id\n");
        foreach (var (ms, lat, lon, speed, id) in DrivingBodies.Samples(1, 1200))
        {
            text.Append(CultureInfo.InvariantCulture, $"{ms},{lat:R},{lon:R},{speed:R},{id}\n");
        }

        return text.ToString();
    }

    private static Uri Url(FormattableString path) => new(path.ToString(CultureInfo.InvariantCulture), UriKind.Relative);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
