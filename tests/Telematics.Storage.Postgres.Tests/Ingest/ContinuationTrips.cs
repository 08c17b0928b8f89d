using System.Globalization;
using System.IO.Pipelines;
using System.Text;

using Telematics.Features.Ingest.Csv;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Ingest;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

/// <summary>
/// A varied trip as CSV lines (1 Hz): idle start, acceleration, speeding, a harsh brake, a 30 s stop at a light,
/// turns, a phone-in-hand spell; and the posting of lines through <see cref="EventStreamIngestor"/>.
/// </summary>
internal static class ContinuationTrips
{
    public const string Header = "timestamp,lat,lon,speed_mps,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,event_id";

    /// <summary>Samples of <see cref="Lines"/>.</summary>
    public const int SampleCount = 800;

    /// <summary>The first sample of the trip at the light: stationary from here for 30 s.</summary>
    public const int LightStop = 430;

    private const double MetresPerDegree = 111_320;

    /// <summary>The trip's data lines (no header), from <paramref name="start"/>, event ids from <paramref name="firstEventId"/>, speeds times <paramref name="speedScale"/>.</summary>
    public static string[] Lines(DateTimeOffset start, long firstEventId = 1, double speedScale = 1)
    {
        var lines = new string[SampleCount];
        double lat = -25.43, lon = -49.27, heading = 80, speed = 0;
        for (var i = 0; i < SampleCount; i++)
        {
            speed = Speed(i, speed / speedScale) * speedScale;
            heading += i is > 200 and < 215 ? 6 : i is > 600 and < 610 ? -9 : 0;
            var rad = heading * Math.PI / 180;
            lat += speed * Math.Cos(rad) / MetresPerDegree;
            lon += speed * Math.Sin(rad) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180));
            var limit = i < 300 ? "13.9" : i < 650 ? "16.7" : string.Empty;
            var phone = i is >= 520 and < 580 ? "1" : "0";
            lines[i] = string.Create(
                CultureInfo.InvariantCulture,
                $"{start.AddSeconds(i).ToUnixTimeMilliseconds()},{lat:R},{lon:R},{speed:R},{4 + (i % 3)},{limit},{(i < 400 ? 3 : 6)},{phone},{firstEventId + i}");
        }

        return lines;
    }

    /// <summary>Stores <paramref name="lines"/> (a header is put in front) as one upload of the driver.</summary>
    public static async Task<EventStreamResult> PostAsync(EventStreamIngestor ingestor, long driverId, IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        var body = Encoding.UTF8.GetBytes(Header + "\n" + string.Join('\n', lines) + "\n");
        await using var reader = CsvSampleReader.Create(PipeReader.Create(new MemoryStream(body)));
        return await ingestor.IngestAsync(driverId, reader, TimeZoneInfo.Utc, Actor, cancellationToken: cancellationToken);
    }

    // Speed profile in m/s: idle 5 s, accelerate, speed over the limit, a harsh brake at 300 s, stop at the light, go on.
    private static double Speed(int i, double previous) => i switch
    {
        < 5 => 0,
        < 15 => previous + 1.5,
        < 250 => 15 + (2 * Math.Sin(i / 20.0)),
        < 300 => Math.Min(previous + 0.3, 19),
        < 304 => Math.Max(previous - 4.5, 0),
        < 420 => Math.Min(previous + 0.8, 14),
        < LightStop => Math.Max(previous - 1.5, 0),
        < LightStop + 30 => 0,
        < LightStop + 45 => previous + 1.2,
        _ => 14 + (3 * Math.Cos(i / 30.0)),
    };
}
