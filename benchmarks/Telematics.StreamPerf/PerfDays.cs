using Telematics.Features.Samples;

namespace Telematics.StreamPerf;

/// <summary>Each driver's day: trips of 1 Hz samples 20 min apart, cut into device-sized batches (about 250 samples, mid-trip).</summary>
internal static class PerfDays
{
    private const double MetresPerDegree = 111_320;

    public static List<SampleBuffer> Batches(int seed, DateTimeOffset start, int trips, int tripSeconds, int batchSamples)
    {
        var batches = new List<SampleBuffer>();
        var current = new SampleBuffer(batchSamples);
        double lat = 48 + (seed % 100 * 0.01), lon = 11 + (seed / 100 * 0.01), heading = seed * 37 % 360;
        long eventId = 1;
        var t = start;
        for (var trip = 0; trip < trips; trip++)
        {
            double speed = 0;
            for (var i = 0; i < tripSeconds; i++)
            {
                var cruise = 12 + (seed % 7) + (3 * Math.Sin((i + seed) / 25.0));
                speed = i < 5 ? 0 : i >= tripSeconds - 10 ? Math.Max(0, speed - 2) : Math.Min(cruise, speed + 1.5);
                heading = (heading + (i % 90 < 10 ? 4 : 0)) % 360;
                var rad = heading * Math.PI / 180;
                lat += speed * Math.Cos(rad) / MetresPerDegree;
                lon += speed * Math.Sin(rad) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180));
                current.Add(new TelematicsSample(t.AddSeconds(i).ToUnixTimeMilliseconds(), lat, lon)
                {
                    SpeedMps = (float)speed,
                    HeadingDeg = (float)heading,
                    LongitudinalAccelMps2 = float.NaN,
                    LateralAccelMps2 = float.NaN,
                    GpsAccuracyM = 5,
                    SpeedLimitMps = 13.9f,
                    RoadClass = RoadClass.Primary,
                    EventId = eventId++,
                });
                if (current.Count == batchSamples)
                {
                    batches.Add(current);
                    current = new SampleBuffer(batchSamples);
                }
            }

            t = t.AddSeconds(tripSeconds + 1200);
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>A copy: the ingest pipeline rewrites a chunk in place, and the same batch is stored twice (direct and streamed).</summary>
    public static SampleBuffer Copy(SampleBuffer batch)
    {
        var copy = new SampleBuffer(batch.Count);
        copy.AddRange(batch);
        return copy;
    }
}
