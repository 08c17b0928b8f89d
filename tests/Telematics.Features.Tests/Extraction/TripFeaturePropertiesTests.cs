using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Areas;
using Telematics.Features.Extraction;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using static Telematics.Features.Tests.Extraction.TripFeatureAccumulatorTests;

namespace Telematics.Features.Tests.Extraction;

public sealed class TripFeaturePropertiesTests
{
    private static readonly HighRiskAreaMap Areas = new HighRiskAreaMap(52.3, 13.1, 52.8, 13.8, 0.01)
        .AddPolygon([52.45, 52.60, 52.60, 52.45], [13.30, 13.30, 13.50, 13.50], 0.7f);

    private static float[] FeaturesChunked(SampleBuffer trip, IReadOnlyList<int> sizes, FeatureExtractionOptions? options = null)
    {
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin, options);
        var start = 0;
        var k = 0;
        while (start < trip.Count)
        {
            var size = sizes.Count == 0 ? trip.Count : Math.Max(1, (sizes[k++ % sizes.Count] & int.MaxValue) % 500);
            size = Math.Min(size, trip.Count - start);
            accumulator.Add(new SampleSpan(trip, start, 0));
            accumulator.Add(new SampleSpan(trip, start, size));
            start += size;
        }

        var vector = new float[TelematicsFeatures.Schema.Count];
        accumulator.WriteFeatures(vector);
        return vector;
    }

    [Property(MaxTest = 60)]
    public Property Every_feature_is_identical_however_the_trip_is_chunked(PositiveInt seed, int[] sizes)
    {
        var trip = TestTracks.RandomTrip(seed.Get, 400 + (seed.Get % 1500));
        var options = new FeatureExtractionOptions { HighRiskAreas = Areas };

        var whole = ExtractFeatures(trip, options: options);
        var chunked = FeaturesChunked(trip, sizes, options);

        return whole.AsSpan().SequenceEqual(chunked).Label($"whole [{string.Join(", ", whole)}] chunked [{string.Join(", ", chunked)}]");
    }

    [Property(MaxTest = 60)]
    public Property A_harsh_brake_is_counted_once_when_samples_are_split_across_chunks(PositiveInt splitSeed)
    {
        // A 2 s brake at 10 Hz (samples 3000–3019); the split falls anywhere inside or around it.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 6001, 15f, stepMs: 100, adjust: (i, b) =>
        {
            if (i is >= 3000 and < 3020)
            {
                b.LongitudinalAccelMps2[i] = -5f;
            }
        });
        var split = 2990 + (splitSeed.Get % 40);

        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);
        accumulator.Add(new SampleSpan(trip, 0, split));
        accumulator.Add(new SampleSpan(trip, split, trip.Count - split));
        var vector = new float[TelematicsFeatures.Schema.Count];
        accumulator.WriteFeatures(vector);

        var perHundredKm = Get(vector, TelematicsFeatures.HarshBrakingPer100Km);
        return (Math.Abs(perHundredKm - (100.0 / 9.0)) < 0.01).Label($"split at {split}: {perHundredKm} per 100 km");
    }

    [Property(MaxTest = 60)]
    public Property Trip_distance_is_within_half_a_percent_of_the_haversine_sum_on_random_tracks(PositiveInt seed, NormalFloat latitude, NormalFloat longitude)
    {
        var lat = Math.Clamp(latitude.Get % 80.0, -80.0, 80.0);
        var lon = longitude.Get % 179.0;
        var trip = TestTracks.RandomTrip(seed.Get, 300 + (seed.Get % 2000), lat: lat, lon: lon);

        var km = Get(ExtractFeatures(trip), TelematicsFeatures.DistanceKm);
        var exactKm = TestTracks.HaversineSumM(trip) / 1000.0;

        return (Math.Abs(km - exactKm) <= 0.005 * exactKm).Label($"{km} km against {exactKm} km at {lat:F2},{lon:F2}");
    }

    [Property(MaxTest = 40)]
    public Property P95_speed_is_within_half_a_bin_of_the_exact_time_weighted_quantile(PositiveInt seed)
    {
        var trip = TestTracks.RandomTrip(seed.Get, 2000);
        for (var i = 0; i < trip.Count; i++)
        {
            trip.TimestampUnixMs[i] = TestTracks.MondayMorningUtc + (i * 1000L);
        }

        // Exact: 1 Hz, so time weights are equal; the moving samples after the first, sorted.
        var speeds = new List<double>();
        for (var i = 1; i < trip.Count; i++)
        {
            if (trip.SpeedMps[i] >= 1f)
            {
                speeds.Add(trip.SpeedMps[i] * 3.6);
            }
        }

        speeds.Sort();
        var exact = speeds[(int)Math.Ceiling(0.95 * speeds.Count) - 1];
        var p95 = Get(ExtractFeatures(trip), TelematicsFeatures.P95SpeedKmh);

        return (Math.Abs(p95 - exact) <= 0.5 + 1e-4).Label($"{p95} against {exact}");
    }

    [Fact]
    public void The_hot_path_allocates_nothing()
    {
        var trip = TestTracks.RandomTrip(seed: 5, count: 5000);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin, new FeatureExtractionOptions { HighRiskAreas = Areas });
        var vector = new float[TelematicsFeatures.Schema.Count];
        accumulator.Extract(new SampleSpan(trip), vector);

        var allocated = Allocations.LeastOf(5, () =>
        {
            for (var k = 0; k < 10; k++)
            {
                accumulator.Extract(new SampleSpan(trip), vector);
                accumulator.Add(new SampleSpan(trip, 0, 10));
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(vector[0] > 0);
    }

    [Theory]
    // Berlin, Sunday 29 March 2026, clocks go from 02:00 CET to 03:00 CEST at 01:00 UTC.
    // 02:30–03:30 UTC is 04:30–05:30 CEST: half the km before 05:00 (under CET it would all be night).
    [InlineData("Europe/Berlin", 2026, 3, 29, 2, 30, 0.5, 0.0, 0.0, 1.0)]
    // 00:30–01:30 UTC is 01:30 CET to 03:30 CEST: all late night, all weekend.
    [InlineData("Europe/Berlin", 2026, 3, 29, 0, 30, 1.0, 1.0, 0.0, 1.0)]
    // Monday after the change, 05:30–06:30 UTC is 07:30–08:30 CEST: all rush hour (under CET only half).
    [InlineData("Europe/Berlin", 2026, 3, 30, 5, 30, 0.0, 0.0, 1.0, 0.0)]
    // Monday before the change, 05:30–06:30 UTC is 06:30–07:30 CET: half rush hour.
    [InlineData("Europe/Berlin", 2026, 3, 23, 5, 30, 0.0, 0.0, 0.5, 0.0)]
    // São Paulo in DST (UTC−2 from 4 November 2018): Monday 09:30–10:30 UTC is 07:30–08:30 local.
    [InlineData("America/Sao_Paulo", 2018, 11, 5, 9, 30, 0.0, 0.0, 1.0, 0.0)]
    // São Paulo without DST (UTC−3 since 2019): Monday 09:30–10:30 UTC is 06:30–07:30 local.
    [InlineData("America/Sao_Paulo", 2026, 3, 30, 9, 30, 0.0, 0.0, 0.5, 0.0)]
    public void Time_of_day_shares_follow_local_time_across_daylight_saving(
        string zoneId, int y, int mo, int d, int h, int mi, double night, double lateNight, double rush, double weekend)
    {
        var start = new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var trip = TestTracks.Straight(start, 3601, 15f);

        var f = ExtractFeatures(trip, TimeZoneInfo.FindSystemTimeZoneById(zoneId));

        Assert.Equal(night, Get(f, TelematicsFeatures.NightShare), 1e-3);
        Assert.Equal(lateNight, Get(f, TelematicsFeatures.LateNightShare), 1e-3);
        Assert.Equal(rush, Get(f, TelematicsFeatures.RushHourShare), 1e-3);
        Assert.Equal(weekend, Get(f, TelematicsFeatures.WeekendShare), 1e-3);
    }
}
