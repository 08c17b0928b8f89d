using Telematics.Features.Extraction;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using static Telematics.Features.Tests.Extraction.TripFeatureAccumulatorTests;

namespace Telematics.Features.Tests.Extraction;

/// <summary>Phone motion-sensor evidence in trip features: where it covers the trip its manoeuvres make the harsh counts, elsewhere GPS does.</summary>
public sealed class TripFeatureAccumulatorImuTests
{
    private const long T0 = TestTracks.MondayMorningUtc;
    private const long Ms = 1_000_000;

    [Fact]
    public void Gps_only_trips_are_bit_equal_without_evidence_with_empty_evidence_and_with_evidence_of_another_day()
    {
        var trip = TestTracks.RandomTrip(seed: 11, count: 4000);
        var none = Extract(trip, null);
        var elsewhere = Evidence(T0 + (86_400_000L * 3), 600, [Braking(T0 + (86_400_000L * 3) + 10_000, 5f)], [(T0 + (86_400_000L * 3) + 100_000, 20_000)]);

        Assert.True(Get(none, TelematicsFeatures.HarshBrakingPer100Km) > 0, "the random trip must have GPS-derived harsh braking for the comparison to mean anything");
        Assert.True(Get(none, TelematicsFeatures.PhoneMinutesPerHour) > 0);
        Assert.Equal(Bits(none), Bits(Extract(trip, new ImuTripEvidence())));
        Assert.Equal(Bits(none), Bits(Extract(trip, elsewhere)));
    }

    [Fact]
    public void Inside_covered_spans_the_manoeuvres_replace_the_gps_derived_harsh_events()
    {
        // Ten minutes at 15 m/s (9 km); the phone covers 100–400 s. GPS sees a hard brake at 200 s (covered, not counted)
        // and one at 500 s (not covered, counted).
        var trip = TestTracks.Straight(T0, 601, 15f, adjust: (i, b) =>
        {
            if (i is >= 200 and < 203 or >= 500 and < 503)
            {
                b.LongitudinalAccelMps2[i] = -4.5f;
            }
        });
        var imu = Evidence(T0 + 100_000, 300,
        [
            Braking(T0 + 150_000, 4.1f),
            Braking(T0 + 250_000, 5.0f),
            Manoeuvre(ManoeuvreKind.HarshAcceleration, T0 + 260_000, 3.6f),
            Manoeuvre(ManoeuvreKind.HarshLeftTurn, T0 + 300_000, 4.8f),
            Manoeuvre(ManoeuvreKind.AggressiveRightLaneChange, T0 + 320_000, 3.0f), // below 0.4 g: not harsh cornering
            Manoeuvre(ManoeuvreKind.AggressiveLeftLaneChange, T0 + 340_000, 4.4f),  // as hard as a harsh corner: counted
        ], []);

        var f = Extract(trip, imu);

        Assert.Equal(3, Count(f, TelematicsFeatures.HarshBrakingPer100Km));
        Assert.Equal(1, Count(f, TelematicsFeatures.RapidAccelerationPer100Km));
        Assert.Equal(2, Count(f, TelematicsFeatures.HarshCorneringPer100Km));
    }

    [Theory]
    [InlineData(2, 0)]  // a 2 s hole in the phone's data inside a manoeuvre: still the phone's (merge gap 3 s)
    [InlineData(30, 1)] // 30 s without phone data: GPS counts what it sees there
    public void Gps_counts_again_only_farther_than_the_merge_gap_from_phone_coverage(int holeSeconds, int expectedGpsBrakes)
    {
        var trip = TestTracks.Straight(T0, 601, 15f, adjust: (i, b) =>
        {
            if (i is >= 301 and < 303)
            {
                b.LongitudinalAccelMps2[i] = -4.5f;
            }
        });
        var imu = new ImuTripEvidence();
        var holeStart = T0 + 301_000 - (holeSeconds * 500L);
        imu.AddCoverage(T0, holeStart);
        imu.AddCoverage(holeStart + (holeSeconds * 1000L), T0 + 600_000);

        var f = Extract(trip, imu);

        Assert.Equal(expectedGpsBrakes, Count(f, TelematicsFeatures.HarshBrakingPer100Km));
    }

    [Fact]
    public void Manoeuvres_count_in_the_trip_whose_span_holds_their_start()
    {
        var first = TestTracks.Straight(T0, 301, 15f);
        var second = TestTracks.Straight(T0 + 1_000_000, 301, 15f);
        var imu = Evidence(T0, 1_400, [Braking(T0 + 100_000, 5f), Braking(T0 + 600_000, 5f), Braking(T0 + 1_100_000, 5f), Braking(T0 + 1_200_000, 5f)], []);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin) { Imu = imu };
        var vector = new float[TelematicsFeatures.Schema.Count];

        accumulator.Extract(new SampleSpan(first), vector);
        var inFirst = Count(vector, TelematicsFeatures.HarshBrakingPer100Km);
        accumulator.Extract(new SampleSpan(second), vector);

        Assert.Equal(1, inFirst);
        Assert.Equal(2, Count(vector, TelematicsFeatures.HarshBrakingPer100Km));
    }

    [Fact]
    public void Handling_spans_add_to_the_phone_flags_without_counting_time_twice()
    {
        // Flags on the intervals ending at 101–120 s (20 s); the phone's sensors saw handling 110–140 s: 10 s of it
        // overlaps the flags, so the union is 40 s in a 600 s trip.
        var trip = TestTracks.Straight(T0, 601, 15f, adjust: (i, b) =>
        {
            if (i is > 100 and <= 120)
            {
                b.Flags[i] = SampleFlags.PhoneHandheld;
            }
        });
        var imu = Evidence(T0, 600, [], [(T0 + 110_000, 30_000)]);

        var f = Extract(trip, imu);

        Assert.Equal(40.0 / 600.0, Get(f, TelematicsFeatures.PhoneMovingShare), 1e-6);
        Assert.Equal(40.0 / 60.0 / (600.0 / 3600.0), Get(f, TelematicsFeatures.PhoneMinutesPerHour), 1e-4);
    }

    [Fact]
    public void Features_with_evidence_do_not_depend_on_chunking()
    {
        var trip = TestTracks.RandomTrip(seed: 3, count: 3000);
        var t = trip.TimestampUnixMs;
        var imu = Evidence(t[500], 1500, [Braking(t[700], 4f), Manoeuvre(ManoeuvreKind.HarshRightTurn, t[900], 5f)], [(t[1000], 15_000), (t[1900], 4_000)]);
        var whole = Extract(trip, imu);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin) { Imu = imu };
        var random = new Random(7);
        var start = 0;
        while (start < trip.Count)
        {
            var length = Math.Min(trip.Count - start, random.Next(1, 400));
            accumulator.Add(new SampleSpan(trip, start, length));
            start += length;
        }

        var chunked = new float[TelematicsFeatures.Schema.Count];
        accumulator.WriteFeatures(chunked);
        Assert.Equal(Bits(whole), Bits(chunked));
    }

    [Fact]
    public void Extraction_with_evidence_allocates_nothing()
    {
        var trip = TestTracks.RandomTrip(seed: 5, count: 5000);
        var t = trip.TimestampUnixMs;
        var imu = Evidence(t[100], 3000, [Braking(t[700], 4f), Manoeuvre(ManoeuvreKind.HarshLeftTurn, t[1900], 5f)], [(t[1000], 15_000)]);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin) { Imu = imu };
        var vector = new float[TelematicsFeatures.Schema.Count];
        accumulator.Extract(new SampleSpan(trip), vector);

        var allocated = Allocations.LeastOf(5, () =>
        {
            for (var k = 0; k < 10; k++)
            {
                accumulator.Extract(new SampleSpan(trip), vector);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(Get(vector, TelematicsFeatures.HarshBrakingPer100Km) > 0);
    }

    [Fact]
    public void Recordings_out_of_time_order_are_refused_and_leave_the_evidence_unchanged()
    {
        var imu = Evidence(T0 + 100_000, 100, [Braking(T0 + 150_000, 5f)], []);
        var earlier = Motion(T0, 50);

        var e = Assert.Throws<ArgumentException>(() => imu.Add(earlier, [], [], 0));
        Assert.Contains("time order", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, imu.CoverageCount);
        Assert.Equal(1, imu.ManoeuvreCount);
        Assert.Throws<ArgumentException>(() => new ImuTripEvidence().Add(Motion(T0, 10), [Braking(T0 + 5000, 5f), Braking(T0 + 1000, 5f)], [], 0));
    }

    [Fact]
    public void Coverage_excludes_bins_the_detector_does_not_score()
    {
        var motion = Motion(T0, 10);
        var flags = motion.FlagsMutable;
        flags[30] = MotionFlags.Valid | MotionFlags.Handling;
        flags[31] = MotionFlags.Valid | MotionFlags.FrameUnresolved;
        flags[60] = MotionFlags.None;
        var imu = new ImuTripEvidence();

        imu.Add(motion, [], [], 0);

        Assert.Equal([T0, T0 + 3_200, T0 + 6_100], imu.CoverageStartUnixMs.ToArray());
        Assert.Equal([T0 + 3_000, T0 + 6_000, T0 + 10_000], imu.CoverageEndUnixMs.ToArray());
    }

    private static float[] Extract(SampleBuffer trip, ImuTripEvidence? imu)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        new TripFeatureAccumulator(TestTracks.Berlin) { Imu = imu }.Extract(new SampleSpan(trip), vector);
        return vector;
    }

    private static int[] Bits(float[] vector) => Array.ConvertAll(vector, BitConverter.SingleToInt32Bits);

    // The rate back to a count: rate × km / 100.
    private static int Count(float[] vector, string rate) =>
        (int)Math.Round(Get(vector, rate) * Get(vector, TelematicsFeatures.DistanceKm) / 100.0);

    /// <summary>A motion of <paramref name="seconds"/> in 0.1 s bins, all valid, from <paramref name="startUnixMs"/>.</summary>
    private static VehicleMotion Motion(long startUnixMs, int seconds)
    {
        var motion = new VehicleMotion();
        motion.Reset(startUnixMs * Ms, 100 * Ms, seconds * 10);
        motion.FlagsMutable.Fill(MotionFlags.Valid);
        return motion;
    }

    private static ImuTripEvidence Evidence(long startUnixMs, int seconds, Manoeuvre[] manoeuvres, (long StartUnixMs, long DurationMs)[] handling)
    {
        var imu = new ImuTripEvidence();
        var spans = Array.ConvertAll(handling, h => new PhoneHandling(h.StartUnixMs * Ms, (h.StartUnixMs + h.DurationMs) * Ms, 2f, false, true));
        imu.Add(Motion(startUnixMs, seconds), manoeuvres, spans, 0);
        return imu;
    }

    private static Manoeuvre Braking(long startUnixMs, float peakMps2) => Manoeuvre(ManoeuvreKind.HarshBraking, startUnixMs, peakMps2);

    private static Manoeuvre Manoeuvre(ManoeuvreKind kind, long startUnixMs, float peakMps2) =>
        new(kind, startUnixMs * Ms, (startUnixMs + 1500) * Ms, (startUnixMs + 700) * Ms, peakMps2, peakMps2 / 3.4f);
}
