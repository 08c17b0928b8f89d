using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Samples;
using Telematics.Features.Trips;

namespace Telematics.Features.Tests.Trips;

public sealed class TripSegmenterTests
{
    private static List<SegmentedTrip> Segment(SampleBuffer samples, TripSegmentationOptions? options = null) => SegmentedTrips.Of(samples, options);

    [Fact]
    public void A_gap_of_five_minutes_ends_the_trip()
    {
        var first = TestTracks.Straight(TestTracks.MondayMorningUtc, 120, 15f);
        var second = TestTracks.Straight(TestTracks.MondayMorningUtc + 119_000 + 300_000, 120, 15f);

        var trips = Segment(TestTracks.Concat(first, second));

        Assert.Equal(2, trips.Count);
        Assert.Equal(120, trips[0].SampleCount);
        Assert.Equal(TestTracks.MondayMorningUtc + 419_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void A_gap_just_under_five_minutes_does_not_end_the_trip()
    {
        var first = TestTracks.Straight(TestTracks.MondayMorningUtc, 120, 15f);
        var second = TestTracks.Straight(TestTracks.MondayMorningUtc + 119_000 + 299_000, 120, 15f);

        Assert.Single(Segment(TestTracks.Concat(first, second)));
    }

    [Fact]
    public void A_stationary_spell_of_five_minutes_ends_the_trip_where_the_car_stopped()
    {
        var driving = TestTracks.Straight(TestTracks.MondayMorningUtc, 100, 15f);
        // The car stops where one more second of driving takes it (the cleaner would drop a position further off).
        var stop = TestTracks.Move(driving.LatitudeDeg[^1], driving.LongitudeDeg[^1], 90.0, 15.0);
        var parked = TestTracks.Straight(TestTracks.MondayMorningUtc + 100_000, 400, 0f, lat: stop.Lat, lon: stop.Lon);
        var again = TestTracks.Straight(TestTracks.MondayMorningUtc + 500_000, 100, 15f, lat: stop.Lat, lon: stop.Lon);

        var trips = Segment(TestTracks.Concat(driving, parked, again));

        Assert.Equal(2, trips.Count);
        Assert.Equal(TestTracks.MondayMorningUtc + 100_000, trips[0].EndUnixMs);
        Assert.Equal(101, trips[0].SampleCount);
        // The second trip starts with the last parked sample, so its first second of motion is kept.
        Assert.Equal(TestTracks.MondayMorningUtc + 499_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void A_step_no_vehicle_makes_ends_the_trip_and_is_not_distance_driven()
    {
        // Two minutes in Berlin, then one second later two minutes 1,500 km away: two tracks, not 1,500 km driven.
        var first = TestTracks.Straight(TestTracks.MondayMorningUtc, 120, 15f);
        var second = TestTracks.Straight(TestTracks.MondayMorningUtc + 120_000, 120, 15f, lat: 40.42, lon: -3.70);

        var trips = Segment(TestTracks.Concat(first, second));

        Assert.Equal(2, trips.Count);
        Assert.Equal(1785.0, trips[0].DistanceM, 1.0);
        Assert.Equal(1785.0, trips[1].DistanceM, 1.0);
        Assert.Equal(TestTracks.MondayMorningUtc + 120_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void A_four_minute_stop_at_a_level_crossing_stays_inside_the_trip()
    {
        var driving = TestTracks.Straight(TestTracks.MondayMorningUtc, 100, 15f);
        // The car stops where one more second of driving takes it (the cleaner would drop a position further off).
        var stop = TestTracks.Move(driving.LatitudeDeg[^1], driving.LongitudeDeg[^1], 90.0, 15.0);
        var waiting = TestTracks.Straight(TestTracks.MondayMorningUtc + 100_000, 240, 0f, lat: stop.Lat, lon: stop.Lon);
        var again = TestTracks.Straight(TestTracks.MondayMorningUtc + 340_000, 100, 15f, lat: stop.Lat, lon: stop.Lon);

        var trips = Segment(TestTracks.Concat(driving, waiting, again));

        Assert.Single(trips);
        Assert.Equal(440, trips[0].SampleCount);
    }

    [Fact]
    public void Trips_shorter_than_the_minimum_distance_or_duration_are_discarded()
    {
        var segmenter = new TripSegmenter();
        var trips = new List<SegmentedTrip>();
        // 30 s at 10 m/s = 300 m: under both the 500 m and the 60 s minimum.
        segmenter.Push(TestTracks.Straight(TestTracks.MondayMorningUtc, 31, 10f), trips);
        segmenter.Complete(trips);

        Assert.Empty(trips);
        Assert.Equal(1, segmenter.DiscardedTripCount);
    }

    [Fact]
    public void Trip_distance_is_the_sum_of_great_circle_distances()
    {
        var track = TestTracks.RandomTrip(seed: 11, count: 600, withEvents: false);
        for (var i = 0; i < track.Count; i++)
        {
            track.SpeedMps[i] = Math.Max(track.SpeedMps[i], 2f);
        }

        var trip = Assert.Single(Segment(track));

        Assert.Equal(TestTracks.HaversineSumM(track), trip.DistanceM, 1e-6);
    }

    [Property(MaxTest = 40)]
    public Property The_same_samples_give_the_same_trips_however_they_are_chunked(PositiveInt seed, int[] sizes)
    {
        var random = new Random(seed.Get);
        var parts = new List<SampleBuffer>();
        var t = TestTracks.MondayMorningUtc;
        for (var k = 0; k < 4; k++)
        {
            var moving = TestTracks.RandomTrip(seed.Get + k, 150 + random.Next(200), t);
            parts.Add(moving);
            t = moving.TimestampUnixMs[moving.Count - 1] + 1000;
            var pause = random.Next(3) switch { 0 => 200, 1 => 320, _ => 10 };
            parts.Add(TestTracks.Straight(t, pause, 0f));
            t += (pause * 1000L) + (random.Next(2) == 0 ? 400_000 : 1000);
        }

        return SegmentedTrips.SameWholeAndChunked(TestTracks.Concat([.. parts]), sizes);
    }
}
