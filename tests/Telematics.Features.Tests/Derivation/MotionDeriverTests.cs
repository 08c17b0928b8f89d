using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Derivation;
using Telematics.Features.Extraction;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Derivation;

public sealed class MotionDeriverTests
{
    private static SampleBuffer PositionsOnly(SampleBuffer source)
    {
        var buffer = new SampleBuffer();
        for (var i = 0; i < source.Count; i++)
        {
            buffer.Add(new TelematicsSample(source.TimestampUnixMs[i], source.LatitudeDeg[i], source.LongitudeDeg[i]));
        }

        return buffer;
    }

    [Fact]
    public void Speed_heading_and_acceleration_are_derived_from_positions()
    {
        var track = PositionsOnly(TestTracks.Straight(TestTracks.MondayMorningUtc, 5, 20f));

        new MotionDeriver().Derive(track);

        Assert.True(float.IsNaN(track.SpeedMps[0]));
        Assert.Equal(20.0, track.SpeedMps[3], 0.01);
        Assert.Equal(90.0, track.HeadingDeg[3], 0.01);
        Assert.Equal(0.0, track.LongitudinalAccelMps2[3], 0.01);
        Assert.Equal(0.0, track.LateralAccelMps2[3], 0.01);
    }

    [Fact]
    public void Longitudinal_acceleration_comes_from_speed_deltas()
    {
        var track = TestTracks.Straight(TestTracks.MondayMorningUtc, 3, 10f, stepMs: 500, adjust: (i, b) =>
        {
            b.SpeedMps[i] = 10f + (2f * i);
            b.LongitudinalAccelMps2[i] = float.NaN;
        });

        new MotionDeriver().Derive(track);

        Assert.Equal(4.0, track.LongitudinalAccelMps2[1], 1e-4);
        Assert.Equal(4.0, track.LongitudinalAccelMps2[2], 1e-4);
    }

    [Fact]
    public void A_right_turn_gives_negative_lateral_acceleration_of_speed_times_yaw_rate()
    {
        // 10 m/s turning right at 10°/s: a = v·ω = 10 · 0.1745 = 1.745 m/s² towards the right.
        var track = TestTracks.Straight(TestTracks.MondayMorningUtc, 4, 10f, adjust: (i, b) =>
        {
            b.HeadingDeg[i] = (355f + (10f * i)) % 360f;
            b.LateralAccelMps2[i] = float.NaN;
        });

        new MotionDeriver().Derive(track);

        Assert.Equal(-1.7453, track.LateralAccelMps2[1], 1e-3);
        Assert.Equal(-1.7453, track.LateralAccelMps2[2], 1e-3);
    }

    [Fact]
    public void Values_present_in_the_input_are_never_changed()
    {
        var track = TestTracks.RandomTrip(seed: 3, count: 200);
        var before = TestTracks.Slice(track, 0, track.Count);

        new MotionDeriver().Derive(track);

        for (var i = 0; i < track.Count; i++)
        {
            Assert.Equal(before[i], track[i]);
        }
    }

    [Fact]
    public void Over_a_sparse_trackers_interval_only_the_average_speed_is_derived()
    {
        var track = PositionsOnly(TestTracks.Straight(TestTracks.MondayMorningUtc, 3, 20f, stepMs: 30_000));

        new MotionDeriver().Derive(track);

        Assert.Equal(20.0, track.SpeedMps[2], 0.01);
        Assert.True(float.IsNaN(track.HeadingDeg[2]));
        Assert.True(float.IsNaN(track.LongitudinalAccelMps2[2]));
        Assert.True(float.IsNaN(track.LateralAccelMps2[2]));
    }

    [Fact]
    public void Nothing_is_derived_across_a_gap_longer_than_the_speed_limit()
    {
        var track = PositionsOnly(TestTracks.Straight(TestTracks.MondayMorningUtc, 3, 20f, stepMs: 180_000));

        new MotionDeriver().Derive(track);

        Assert.True(float.IsNaN(track.SpeedMps[2]));
    }

    // A 1 Hz track with the receiver's speed and heading given and the lateral acceleration missing, as a logger
    // without an IMU writes it: each row is (speed km/h, heading °); positions follow the heading.
    private static SampleBuffer GivenSpeedAndHeading(params (double SpeedKmh, float HeadingDeg)[] rows)
    {
        var buffer = new SampleBuffer();
        var (lat, lon) = (-25.457, -49.2397);
        for (var i = 0; i < rows.Length; i++)
        {
            var speedMps = rows[i].SpeedKmh / 3.6;
            (lat, lon) = TestTracks.Move(lat, lon, rows[i].HeadingDeg, speedMps);
            buffer.Add(new TelematicsSample(TestTracks.MondayMorningUtc + (i * 1000L), lat, lon)
            {
                SpeedMps = (float)speedMps,
                HeadingDeg = rows[i].HeadingDeg,
                LongitudinalAccelMps2 = 0f,
                GpsAccuracyM = 5f,
            });
        }

        return buffer;
    }

    private static int CorneringEvents(SampleBuffer track)
    {
        var events = new List<HarshEvent>();
        HarshEventLocator.Locate(new SampleSpan(track), events);
        return events.Count(e => e.Kind == HarshEventKind.Cornering);
    }

    [Fact]
    public void A_receivers_heading_swinging_while_the_car_pulls_away_is_not_harsh_cornering()
    {
        // Parked, the receiver's heading wanders; pulling away at 1.4 then 6.8 km/h it swings from 42° to 235° in one
        // second (5.5 m/s² if believed), then the car drives straight on at 15-19 km/h.
        var track = GivenSpeedAndHeading(
            (0.2, 180f), (0, 250f), (0, 270f), (0, 270f), (0.2, 241f), (0, 0f), (1.4, 42f), (6.8, 235f),
            (13.4, 236.5f), (18.8, 236.3f), (18.2, 235.2f), (16.4, 235.8f), (15.0, 236f), (15.3, 238f));

        new MotionDeriver().Derive(track);

        Assert.Equal(0, CorneringEvents(track));
        Assert.True(float.IsNaN(track.LateralAccelMps2[7]));
        Assert.Equal(0.0, track.LateralAccelMps2[10], 0.5);
    }

    [Fact]
    public void A_heading_flip_of_ninety_degrees_in_a_second_at_road_speed_is_missing_not_an_event()
    {
        // 30 km/h, heading 90° then 200° for one second and back: 16 m/s² if believed, beyond any tyre.
        var track = GivenSpeedAndHeading((30, 90f), (30, 90f), (30, 90f), (30, 200f), (30, 90f), (30, 90f), (30, 90f));

        new MotionDeriver().Derive(track);

        Assert.Equal(0, CorneringEvents(track));
        Assert.True(float.IsNaN(track.LateralAccelMps2[3]));
        Assert.True(float.IsNaN(track.LateralAccelMps2[4]));
    }

    [Fact]
    public void A_genuine_sharp_turn_at_speed_is_still_harsh_cornering()
    {
        // 40 km/h turning right at 25°/s for four seconds: a = v·ω = 11.1 · 0.436 = 4.8 m/s², above 3.9.
        var track = GivenSpeedAndHeading((40, 0f), (40, 0f), (40, 0f), (40, 25f), (40, 50f), (40, 75f), (40, 100f), (40, 100f), (40, 100f));

        new MotionDeriver().Derive(track);

        Assert.Equal(1, CorneringEvents(track));
        Assert.Equal(-4.85, track.LateralAccelMps2[4], 0.05);
    }

    [Fact]
    public void Implausible_turn_limits_are_validated()
    {
        var radius = Assert.Throws<ArgumentOutOfRangeException>(() => new MotionDeriver(new MotionDerivationOptions { MinTurningRadiusM = 0 }));
        var lateral = Assert.Throws<ArgumentOutOfRangeException>(() => new MotionDeriver(new MotionDerivationOptions { MaxLateralAccelMps2 = -1 }));

        Assert.Equal(nameof(MotionDerivationOptions.MinTurningRadiusM), radius.ParamName);
        Assert.Equal(nameof(MotionDerivationOptions.MaxLateralAccelMps2), lateral.ParamName);
    }

    [Property(MaxTest = 50)]
    public Property Derived_fields_do_not_depend_on_chunking(PositiveInt seed, int[] sizes)
    {
        var whole = PositionsOnly(TestTracks.RandomTrip(seed.Get, 300));
        new MotionDeriver().Derive(whole);

        var deriver = new MotionDeriver();
        var chunks = TestTracks.Chunk(PositionsOnly(TestTracks.RandomTrip(seed.Get, 300)), sizes);
        foreach (var chunk in chunks)
        {
            deriver.Derive(chunk);
        }

        var joined = TestTracks.Concat([.. chunks]);
        var same = true;
        for (var i = 0; i < whole.Count; i++)
        {
            same &= whole[i] == joined[i];
        }

        return same.ToProperty();
    }

    /// <summary>Positions only, east at <paramref name="speedMps"/>, every fix jittered up to <paramref name="jitterM"/>; <paramref name="accuracyM"/> on each fix (NaN for none).</summary>
    private static SampleBuffer JitteredPositions(int count, double speedMps, long stepMs, double jitterM, float accuracyM)
    {
        var buffer = new SampleBuffer();
        var random = new Random(11);
        var (lat, lon) = (52.52, 13.40);
        for (var i = 0; i < count; i++)
        {
            (lat, lon) = TestTracks.Move(lat, lon, 90, speedMps * stepMs / 1000.0);
            var (jLat, jLon) = TestTracks.Move(lat, lon, random.NextDouble() * 360, random.NextDouble() * jitterM);
            buffer.Add(new TelematicsSample(TestTracks.MondayMorningUtc + (i * stepMs), jLat, jLon) { GpsAccuracyM = accuracyM });
        }

        return buffer;
    }

    [Fact]
    public void A_crawl_logged_at_a_coarse_accuracy_moves_and_only_rest_itself_reads_as_standing()
    {
        // 3 m/s for 2 min, each fix claiming 20 m accuracy: the pace at which rest begins is the typical noise (1 m/s),
        // not the fix's accuracy per 5 s (4 m/s), which would read stop-and-go as standing.
        var track = JitteredPositions(120, 3.0, 1000, 0.2, 20f);

        new MotionDeriver().Derive(track);

        var standing = 0;
        for (var i = 1; i < track.Count; i++)
        {
            standing += track.SpeedMps[i] == 0 ? 1 : 0;
        }

        Assert.Equal(0, standing);
        Assert.Equal(3.0, track.SpeedMps[60], 0.5);
    }

    [Fact]
    public void Above_1_hz_decimetres_of_jitter_are_not_jumped_fixes()
    {
        // 10 Hz at 15 m/s with 0.3 m jitter: per-step speeds scatter by a few m/s, within what grip allows over a second.
        var track = JitteredPositions(600, 15.0, 100, 0.3, float.NaN);

        new MotionDeriver().Derive(track);

        var missing = 0;
        for (var i = 1; i < track.Count; i++)
        {
            missing += float.IsNaN(track.SpeedMps[i]) ? 1 : 0;
        }

        Assert.Equal(0, missing);
    }

    [Fact]
    public void Coming_to_rest_keeps_the_deceleration_of_its_step()
    {
        // Positions only at 1 Hz: 6, 4, 2 m/s then 0.5 m/s (rest begins there) and parked: the last step's deceleration
        // (2 → 0.5 m/s) is derived, not dropped as the floor.
        var buffer = new SampleBuffer();
        var (lat, lon) = (52.52, 13.40);
        double[] steps = [0, 8, 6, 4, 2, 0.5, 0, 0, 0];
        for (var i = 0; i < steps.Length; i++)
        {
            (lat, lon) = TestTracks.Move(lat, lon, 90, steps[i]);
            buffer.Add(new TelematicsSample(TestTracks.MondayMorningUtc + (i * 1000L), lat, lon));
        }

        new MotionDeriver().Derive(buffer);

        Assert.Equal(-1.5, buffer.LongitudinalAccelMps2[5], 0.05);
        Assert.True(float.IsNaN(buffer.LongitudinalAccelMps2[7]));
    }
}
