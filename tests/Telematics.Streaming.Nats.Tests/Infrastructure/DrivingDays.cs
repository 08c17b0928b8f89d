using Telematics.Features.Samples;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>
/// A driver's day of 1 Hz samples (a few trips with stops between them, speed varying per driver) cut into batches of
/// uneven size, so that batches end mid-trip and the ingest must continue trips across them.
/// </summary>
internal static class DrivingDays
{
    private const double MetresPerDegree = 111_320;

    /// <summary>The day's samples of driver number <paramref name="seed"/>: <paramref name="trips"/> trips of <paramref name="tripSeconds"/> s, 20 min apart.</summary>
    public static SampleBuffer Day(int seed, DateTimeOffset start, int trips, int tripSeconds)
    {
        var samples = new SampleBuffer(trips * (tripSeconds + 1));
        double lat = 48.1 + (seed % 50 * 0.01), lon = 11.5 + (seed / 50 * 0.01), heading = seed * 37 % 360;
        long eventId = 1;
        var t = start;
        for (var trip = 0; trip < trips; trip++)
        {
            double speed = 0;
            for (var i = 0; i <= tripSeconds; i++)
            {
                // Idle 5 s, accelerate, cruise around a driver-specific speed, brake hard once, stop at the end.
                var cruise = 12 + (seed % 7) + (3 * Math.Sin((i + seed) / 25.0));
                speed = i < 5 ? 0
                    : i >= tripSeconds - 10 ? Math.Max(0, speed - 2)
                    : i % 240 is >= 120 and < 123 ? Math.Max(0, speed - 4.2)
                    : Math.Min(cruise, speed + 1.5);
                heading = (heading + (i % 90 < 10 ? 4 : 0)) % 360;
                var rad = heading * Math.PI / 180;
                lat += speed * Math.Cos(rad) / MetresPerDegree;
                lon += speed * Math.Sin(rad) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180));
                samples.Add(new TelematicsSample(t.AddSeconds(i).ToUnixTimeMilliseconds(), lat, lon)
                {
                    SpeedMps = (float)speed,
                    HeadingDeg = (float)heading,
                    LongitudinalAccelMps2 = float.NaN,
                    LateralAccelMps2 = float.NaN,
                    GpsAccuracyM = 4 + (i % 3),
                    SpeedLimitMps = 13.9f,
                    RoadClass = RoadClass.Primary,
                    Flags = i % 97 < 5 ? SampleFlags.PhoneHandheld : SampleFlags.None,
                    EventId = eventId++,
                });
            }

            t = t.AddSeconds(tripSeconds + 1200);
        }

        return samples;
    }

    /// <summary>Cuts <paramref name="day"/> into consecutive batches of 150 to about 400 samples (sizes vary with <paramref name="seed"/>).</summary>
    public static List<SampleBuffer> Batches(SampleBuffer day, int seed)
    {
        var batches = new List<SampleBuffer>();
        var at = 0;
        var k = 0;
        while (at < day.Count)
        {
            var size = Math.Min(day.Count - at, 150 + ((seed * 131) + (k++ * 71)) % 250);
            var batch = new SampleBuffer(size);
            for (var i = 0; i < size; i++)
            {
                batch.Add(day[at + i]);
            }

            batches.Add(batch);
            at += size;
        }

        return batches;
    }
}
