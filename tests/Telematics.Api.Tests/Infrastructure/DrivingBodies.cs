using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>Upload bodies of simple driving: 1 Hz samples heading east at 15 m/s, trips separated by 10-minute gaps.</summary>
internal static class DrivingBodies
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 7, 0, 0, TimeSpan.Zero);

    /// <summary>(timestamp ms, lat, lon, speed, event id) of <paramref name="trips"/> trips of <paramref name="secondsPerTrip"/> samples each, from <paramref name="start"/> (default <see cref="Start"/>).</summary>
    public static IEnumerable<(long Ms, double Lat, double Lon, double Speed, long EventId)> Samples(int trips, int secondsPerTrip, DateTimeOffset? start = null)
    {
        long eventId = 1;
        for (var trip = 0; trip < trips; trip++)
        {
            var tripStart = (start ?? Start).AddSeconds(trip * (secondsPerTrip + 600.0));
            for (var s = 0; s < secondsPerTrip; s++)
            {
                // 15 m/s east at -25.4° latitude: 15 / (111320 · cos 25.4°) degrees of longitude per second.
                var lon = -49.27 + (s * 15.0 / (111_320 * Math.Cos(25.4 * Math.PI / 180)));
                yield return (tripStart.AddSeconds(s).ToUnixTimeMilliseconds(), -25.4, lon, 15.0, eventId++);
            }
        }
    }

    public static string Csv(int trips, int secondsPerTrip, string newline = "\n", bool bom = false, DateTimeOffset? start = null)
    {
        var text = new StringBuilder(bom ? "\uFEFF" : string.Empty);
        text.Append("timestamp,lat,lon,speed_mps,event_id").Append(newline);
        foreach (var (ms, lat, lon, speed, id) in Samples(trips, secondsPerTrip, start))
        {
            text.Append(CultureInfo.InvariantCulture, $"{ms},{lat:R},{lon:R},{speed:R},{id}").Append(newline);
        }

        return text.ToString();
    }

    public static string Ndjson(int trips, int secondsPerTrip)
    {
        var text = new StringBuilder();
        foreach (var (ms, lat, lon, speed, id) in Samples(trips, secondsPerTrip))
        {
            text.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":{ms},\"lat\":{lat:R},\"lon\":{lon:R},\"speed_mps\":{speed:R},\"event_id\":{id}}}\n");
        }

        return text.ToString();
    }

    public static string JsonArray(int trips, int secondsPerTrip) =>
        "[" + Ndjson(trips, secondsPerTrip).TrimEnd('\n').Replace("\n", ",\n", StringComparison.Ordinal) + "]";

    public static StringContent Content(string body, string mediaType) => new(body, new UTF8Encoding(false), mediaType);

    /// <summary>Registers a driver through the API as admin and returns its id.</summary>
    public static async Task<long> CreateDriverAsync(HttpClient admin, string externalRef)
    {
        using var created = await admin.PostAsJsonAsync(new Uri("/api/v1/drivers", UriKind.Relative), new { externalRef, displayName = "Driver " + externalRef });
        created.EnsureSuccessStatusCode();
        return (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
    }
}
