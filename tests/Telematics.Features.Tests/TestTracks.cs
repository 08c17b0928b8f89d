using Telematics.Features.Geo;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests;

/// <summary>Synthetic driving built in code: straight runs and seeded random trips with realistic fields.</summary>
internal static class TestTracks
{
    /// <summary>2026-03-30 (Monday) 10:00 UTC.</summary>
    public const long MondayMorningUtc = 1_774_864_800_000;

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    public static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    /// <summary>Moves a position by <paramref name="metres"/> along <paramref name="headingDeg"/> (flat Earth, fine for metres).</summary>
    public static (double Lat, double Lon) Move(double lat, double lon, double headingDeg, double metres)
    {
        var h = headingDeg * Math.PI / 180.0;
        var metresPerDeg = GeoMath.EarthRadiusM * Math.PI / 180.0;
        return (lat + (metres * Math.Cos(h) / metresPerDeg),
                lon + (metres * Math.Sin(h) / (metresPerDeg * Math.Cos(lat * Math.PI / 180.0))));
    }

    /// <summary>A straight run at constant speed heading east, every field set.</summary>
    public static SampleBuffer Straight(long startUnixMs, int count, float speedMps, long stepMs = 1000,
        double lat = 52.52, double lon = 13.40, Action<int, SampleBuffer>? adjust = null)
    {
        var buffer = new SampleBuffer(count);
        for (var i = 0; i < count; i++)
        {
            buffer.Add(new TelematicsSample(startUnixMs + (i * stepMs), lat, lon)
            {
                SpeedMps = speedMps,
                HeadingDeg = 90f,
                LongitudinalAccelMps2 = 0f,
                LateralAccelMps2 = 0f,
                GpsAccuracyM = 5f,
            });
            adjust?.Invoke(i, buffer);
            (lat, lon) = Move(lat, lon, 90.0, speedMps * stepMs / 1000.0);
        }

        return buffer;
    }

    /// <summary>
    /// A seeded random trip: 1 Hz with occasional short gaps, a speed random walk with hard brakes and launches,
    /// turns, speed limits, road classes and phone use in runs.
    /// </summary>
    public static SampleBuffer RandomTrip(int seed, int count, long startUnixMs = MondayMorningUtc, double lat = 52.52, double lon = 13.40, bool withEvents = true)
    {
        var random = new Random(seed);
        var buffer = new SampleBuffer(count);
        var t = startUnixMs;
        var speed = 10.0 + (random.NextDouble() * 20.0);
        var heading = random.NextDouble() * 360.0;
        var limit = 50f / 3.6f;
        var road = RoadClass.Residential;
        var flags = SampleFlags.None;
        var previousSpeed = speed;
        for (var i = 0; i < count; i++)
        {
            var dtMs = random.Next(20) == 0 ? 1000L * random.Next(2, 9) : 1000L;
            if (i > 0)
            {
                t += dtMs;
            }

            var accel = (random.NextDouble() - 0.5) * 2.0;
            if (withEvents && random.Next(60) == 0)
            {
                accel = random.Next(2) == 0 ? -5.0 : 4.0;
            }

            speed = Math.Clamp(speed + accel, 0.0, 45.0);
            var turnDegPerS = random.Next(30) == 0 ? (random.NextDouble() - 0.5) * 40.0 : (random.NextDouble() - 0.5) * 4.0;
            if (!withEvents)
            {
                turnDegPerS = Math.Clamp(turnDegPerS, -2.0, 2.0);
            }

            heading = (heading + turnDegPerS + 360.0) % 360.0;
            if (random.Next(100) == 0)
            {
                limit = random.Next(4) switch { 0 => float.NaN, 1 => 30f / 3.6f, 2 => 90f / 3.6f, _ => 130f / 3.6f };
                road = (RoadClass)random.Next(8);
            }

            if (random.Next(40) == 0)
            {
                flags = (SampleFlags)random.Next(4);
            }

            (lat, lon) = Move(lat, lon, heading, speed * dtMs / 1000.0);
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
                EventId = i + 1,
            });
            previousSpeed = speed;
        }

        return buffer;
    }

    /// <summary>Copies <paramref name="count"/> samples from <paramref name="start"/> into a new buffer.</summary>
    public static SampleBuffer Slice(SampleBuffer source, int start, int count)
    {
        var copy = new SampleBuffer(Math.Max(1, count));
        for (var i = start; i < start + count; i++)
        {
            copy.Add(source[i]);
        }

        return copy;
    }

    /// <summary>Concatenates buffers into a new one.</summary>
    public static SampleBuffer Concat(params SampleBuffer[] parts)
    {
        var all = new SampleBuffer();
        foreach (var part in parts)
        {
            for (var i = 0; i < part.Count; i++)
            {
                all.Add(part[i]);
            }
        }

        return all;
    }

    /// <summary>Cuts a buffer into consecutive chunks whose sizes come from <paramref name="sizes"/> (cycled; 0 means 1).</summary>
    public static List<SampleBuffer> Chunk(SampleBuffer source, IReadOnlyList<int> sizes)
    {
        var chunks = new List<SampleBuffer>();
        var start = 0;
        var k = 0;
        while (start < source.Count)
        {
            var size = sizes.Count == 0 ? source.Count : Math.Max(1, (sizes[k++ % sizes.Count] & int.MaxValue) % 700);
            size = Math.Min(size, source.Count - start);
            chunks.Add(Slice(source, start, size));
            start += size;
        }

        return chunks;
    }

    /// <summary>Sum of haversine distances between consecutive samples, metres.</summary>
    public static double HaversineSumM(SampleBuffer samples)
    {
        var sum = 0.0;
        for (var i = 1; i < samples.Count; i++)
        {
            sum += GeoMath.HaversineM(samples.LatitudeDeg[i - 1], samples.LongitudeDeg[i - 1], samples.LatitudeDeg[i], samples.LongitudeDeg[i]);
        }

        return sum;
    }
}
