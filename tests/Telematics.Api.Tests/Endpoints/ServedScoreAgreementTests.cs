using System.Globalization;
using System.Net;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// The score the host serves for a driver equals what <c>telematics score --input</c> computes from the same raw events
/// (the feature pipeline over the whole file, then the same model), even when the events arrived in uploads that cut a trip.
/// </summary>
public sealed class ServedScoreAgreementTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Header = "timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,road_class,event_id";

    // Three trips in the last days, two of them running past 22:00 (UTC, the host's default zone), with harsh brakes.
    private static List<string> Lines()
    {
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var lines = new List<string>();
        long eventId = 1;
        foreach (var (start, km, seconds, harsh) in new[]
        {
            (today.AddDays(-3).AddHours(7.5), 18.0, 1500, 4.0),
            (today.AddDays(-2).AddHours(21.7), 31.0, 1900, 9.0),
            (today.AddDays(-1).AddHours(21.9), 9.0, 700, 0.0),
        })
        {
            var samples = MeasuredTrips.Samples(start, km, seconds, harsh, eventId);
            for (var i = 0; i < samples.Count; i++)
            {
                var s = samples[i];
                lines.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.TimestampUnixMs},{s.LatitudeDeg:R},{s.LongitudeDeg:R},{s.SpeedMps:R},{s.HeadingDeg:R},{s.LongitudinalAccelMps2:R},{s.LateralAccelMps2:R},{s.GpsAccuracyM:R},{(int)s.RoadClass},{s.EventId}"));
            }

            eventId += samples.Count;
        }

        return lines;
    }

    [Fact]
    public async Task The_served_score_equals_the_cli_score_of_the_drivers_raw_events()
    {
        var lines = Lines();
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "agree-" + Guid.NewGuid().ToString("N"));

        // Two uploads, the second starting in the middle of the second trip (its first part is reopened and re-closed).
        foreach (var part in new[] { lines[..2300], lines[2300..] })
        {
            using var posted = await admin.PostAsync(
                new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}"), UriKind.Relative),
                DrivingBodies.Content(Header + "\n" + string.Join('\n', part) + "\n", "text/csv"));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);

        using var registry = new ModelRegistry(new ModelRegistryOptions());
        var expected = new RiskScorer(registry).Score(new ScoreRequest
        {
            DriverId = driver.ToString(CultureInfo.InvariantCulture),
            Features = await PipelineVectors.OfCsvAsync(Header, lines),
        });
        Assert.Equal(3, body.GetProperty("tripCount").GetInt32());
        Assert.Equal(expected.Score, body.GetProperty("score").GetProperty("score").GetDouble());
        Assert.Equal(expected.RawOutput, body.GetProperty("score").GetProperty("rawOutput").GetDouble());
    }
}
