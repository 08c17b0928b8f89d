using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Derivation;
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
}
