using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// Which zone the local-time features of an upload use: the request's <c>timeZone</c>, else the driver's own, else
/// <c>Ingest:DefaultTimeZone</c>. One 20-minute trip at 21:10–21:30 UTC on 2 March 2026: 22:10–22:30 in Berlin (CET,
/// UTC+1), inside the 22:00–05:00 night window; 21:10–21:30 in UTC, wholly outside it.
/// </summary>
public sealed class TelematicsIngestTimeZoneTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset NearTenPmUtc = new(2026, 3, 2, 21, 10, 0, TimeSpan.Zero);

    private static readonly string Body = DrivingBodies.Csv(1, 1200, start: NearTenPmUtc);

    [Theory]
    [InlineData("Europe/Berlin", null, null, 1.0)]
    [InlineData("UTC", null, null, 0.0)]
    [InlineData(null, null, null, 0.0)]
    [InlineData("Europe/Berlin", "UTC", null, 0.0)]
    [InlineData(null, "Europe/Berlin", null, 1.0)]
    [InlineData(null, null, "Europe/Berlin", 1.0)]
    [InlineData("UTC", null, "Europe/Berlin", 0.0)]
    public async Task Night_share_follows_the_request_zone_then_the_driver_zone_then_the_host_default(
        string? driverZone, string? requestZone, string? hostDefault, double nightShare)
    {
        await using var host = Host(hostDefault);
        using var admin = host.ClientAs(TestTokens.Admin());
        using var created = await admin.PostAsJsonAsync(
            new Uri("/api/v1/drivers", UriKind.Relative),
            new { externalRef = "tz-" + Guid.NewGuid().ToString("N"), displayName = "Night Owl", timeZone = driverZone });
        var driver = (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
        var query = requestZone is null ? string.Empty : "&timeZone=" + Uri.EscapeDataString(requestZone);

        using var ingested = await admin.PostAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}{query}"), UriKind.Relative),
            DrivingBodies.Content(Body, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        var tripId = await TripIdAsync(driver);
        using var trip = await admin.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/trips/{tripId}"), UriKind.Relative));
        var features = (await ProblemAssert.JsonAsync(trip)).GetProperty("features");

        Assert.Equal(nightShare, features.GetProperty("night_share").GetDouble(), precision: 3);
    }

    [Fact]
    public async Task A_driver_token_may_not_choose_its_zone_and_its_upload_uses_the_registered_one()
    {
        await using var host = Host(null);
        using var admin = host.ClientAs(TestTokens.Admin());
        using var created = await admin.PostAsJsonAsync(
            new Uri("/api/v1/drivers", UriKind.Relative),
            new { externalRef = "tz-own-" + Guid.NewGuid().ToString("N"), displayName = "Night Owl", timeZone = "Europe/Berlin" });
        var driver = (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
        using var own = host.ClientAs(TestTokens.Driver(driver.ToString(CultureInfo.InvariantCulture)));
        var events = string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}");

        // UTC would move the trip out of the night window: a cheaper premium of the driver's own choosing.
        using var chosen = await own.PostAsync(new Uri(events + "&timeZone=UTC", UriKind.Relative), DrivingBodies.Content(Body, "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(chosen, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.Contains("registered for the driver", problem.GetProperty("errors").GetProperty("timeZone")[0].GetString(), StringComparison.Ordinal);
        Assert.Null(await FindTripIdAsync(driver));

        using var registered = await own.PostAsync(new Uri(events, UriKind.Relative), DrivingBodies.Content(Body, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var tripId = await TripIdAsync(driver);
        using var trip = await own.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/trips/{tripId}"), UriKind.Relative));
        Assert.Equal(1.0, (await ProblemAssert.JsonAsync(trip)).GetProperty("features").GetProperty("night_share").GetDouble(), precision: 3);
    }

    private ApiHost Host(string? defaultZone)
    {
        var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        return defaultZone is null ? host : host.With("Ingest:DefaultTimeZone", defaultZone);
    }

    private async Task<long> TripIdAsync(long driverId) => (await FindTripIdAsync(driverId))!.Value;

    private async Task<long?> FindTripIdAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT trip_id FROM trips WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long?)await command.ExecuteScalarAsync();
    }
}
