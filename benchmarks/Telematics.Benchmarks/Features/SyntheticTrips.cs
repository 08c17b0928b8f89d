using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Features;

/// <summary>Seeded synthetic trips with every field set, for feature-extraction benchmarks.</summary>
internal static class SyntheticTrips
{
    private const double MetresPerDegree = 6_371_008.8 * Math.PI / 180.0;

    /// <summary>A 1 Hz trip (with occasional short gaps) of <paramref name="count"/> samples near Berlin.</summary>
    public static SampleBuffer Create(int seed, int count)
    {
        var random = new Random(seed);
        var buffer = new SampleBuffer(count);
        var t = 1_774_864_800_000L + (random.Next(0, 7 * 24) * 3_600_000L);
        var lat = 52.3 + (random.NextDouble() * 0.4);
        var lon = 13.1 + (random.NextDouble() * 0.6);
        var speed = 10.0 + (random.NextDouble() * 20.0);
        var heading = random.NextDouble() * 360.0;
        var previousSpeed = speed;
        var limit = 50f / 3.6f;
        var road = RoadClass.Residential;
        var flags = SampleFlags.None;
        for (var i = 0; i < count; i++)
        {
            var dtMs = random.Next(25) == 0 ? 1000L * random.Next(2, 9) : 1000L;
            t += dtMs;
            var accel = (random.NextDouble() - 0.5) * 2.0;
            if (random.Next(80) == 0)
            {
                accel = random.Next(2) == 0 ? -4.5 : 3.8;
            }

            speed = Math.Clamp(speed + accel, 0.0, 45.0);
            var turnDegPerS = random.Next(30) == 0 ? (random.NextDouble() - 0.5) * 40.0 : (random.NextDouble() - 0.5) * 4.0;
            heading = (heading + turnDegPerS + 360.0) % 360.0;
            if (random.Next(120) == 0)
            {
                limit = random.Next(4) switch { 0 => float.NaN, 1 => 30f / 3.6f, 2 => 90f / 3.6f, _ => 130f / 3.6f };
                road = (RoadClass)random.Next(8);
            }

            if (random.Next(50) == 0)
            {
                flags = (SampleFlags)random.Next(4);
            }

            var metres = speed * dtMs / 1000.0;
            var h = heading * Math.PI / 180.0;
            lat += metres * Math.Cos(h) / MetresPerDegree;
            lon += metres * Math.Sin(h) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180.0));
            buffer.Add(new TelematicsSample(t, lat, lon)
            {
                SpeedMps = (float)speed,
                HeadingDeg = (float)heading,
                LongitudinalAccelMps2 = (float)((speed - previousSpeed) * 1000.0 / dtMs),
                LateralAccelMps2 = (float)(-speed * turnDegPerS * Math.PI / 180.0),
                GpsAccuracyM = 4f + (float)(random.NextDouble() * 6.0),
                SpeedLimitMps = limit,
                RoadClass = road,
                Flags = flags,
            });
            previousSpeed = speed;
        }

        return buffer;
    }
}
