using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Cleaning;
using Telematics.Features.Samples;
using Telematics.Features.Trips;

namespace Telematics.Features.Tests.Trips;

public sealed class TripIdSegmentationTests
{
    private const long T0 = TestTracks.MondayMorningUtc;

    private static List<SegmentedTrip> Segment(SampleBuffer samples) => SegmentedTrips.Of(samples);

    // A straight run that goes on from where the previous one stopped, one second later, as if recorded without a break.
    private static SampleBuffer After(SampleBuffer previous, int count, float speedMps, SampleFlags tripId)
    {
        var at = TestTracks.Move(previous.LatitudeDeg[^1], previous.LongitudeDeg[^1], 90.0, previous.SpeedMps[^1]);
        return WithTripId(TestTracks.Straight(previous.TimestampUnixMs[^1] + 1000, count, speedMps, lat: at.Lat, lon: at.Lon), tripId);
    }

    private static SampleBuffer WithTripId(SampleBuffer samples, SampleFlags tripId)
    {
        foreach (ref var flags in samples.Flags)
        {
            flags |= tripId;
        }

        return samples;
    }

    [Theory]
    [InlineData(5, 6, 2)]
    [InlineData(5, 5, 1)]
    [InlineData(-1, -1, 1)]
    public void Continuous_driving_is_cut_where_the_trip_id_changes(long first, long second, int expected)
    {
        // -1: no trip id, as without a trip_id column: the gap and stationary rules see one drive.
        var a = WithTripId(TestTracks.Straight(T0, 120, 15f), first < 0 ? SampleFlags.None : TripTag.FromId(first));
        var b = After(a, 120, 15f, second < 0 ? SampleFlags.None : TripTag.FromId(second));

        var trips = Segment(TestTracks.Concat(a, b));

        Assert.Equal(expected, trips.Count);
        if (expected == 2)
        {
            Assert.Equal(120, trips[0].SampleCount);
            Assert.Equal(T0 + 119_000, trips[0].EndUnixMs);
            // The new trip starts at its own first sample: the step across the change is in neither trip.
            Assert.Equal(T0 + 120_000, trips[1].StartUnixMs);
            Assert.Equal(120, trips[1].SampleCount);
        }
    }

    [Fact]
    public void An_id_change_during_a_short_stop_ends_the_trip_where_the_car_stopped()
    {
        var driving = WithTripId(TestTracks.Straight(T0, 100, 15f), TripTag.FromId(12));
        var stopped = After(driving, 30, 0f, TripTag.FromId(12));
        var waiting = After(stopped, 30, 0f, TripTag.FromId(13));
        var again = After(waiting, 100, 15f, TripTag.FromId(13));

        var trips = Segment(TestTracks.Concat(driving, stopped, waiting, again));

        Assert.Equal(2, trips.Count);
        Assert.Equal(T0 + 100_000, trips[0].EndUnixMs);
        // Trip 13 starts with its own last stationary sample, as any trip does.
        Assert.Equal(T0 + 159_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void A_trip_does_not_start_with_a_stationary_sample_of_the_previous_trip_id()
    {
        var driving = WithTripId(TestTracks.Straight(T0, 100, 15f), TripTag.FromId(5));
        // Parked long enough to end trip 5 by the stationary rule, then trip 6 drives off at once.
        var parked = After(driving, 400, 0f, TripTag.FromId(5));
        var again = After(parked, 100, 15f, TripTag.FromId(6));

        var trips = Segment(TestTracks.Concat(driving, parked, again));

        Assert.Equal(2, trips.Count);
        Assert.Equal(T0 + 500_000, trips[1].StartUnixMs);
        Assert.Equal(100, trips[1].SampleCount);
    }

    [Fact]
    public void Samples_without_an_id_between_two_ids_do_not_hide_the_change()
    {
        var a = WithTripId(TestTracks.Straight(T0, 120, 15f), TripTag.FromId(8));
        var unknown = After(a, 10, 15f, SampleFlags.None);
        var b = After(unknown, 120, 15f, TripTag.FromId(9));

        var trips = Segment(TestTracks.Concat(a, unknown, b));

        Assert.Equal(2, trips.Count);
        // The samples without an id stay with the trip they continue.
        Assert.Equal(130, trips[0].SampleCount);
        Assert.Equal(T0 + 130_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void The_cut_holds_when_the_cleaner_drops_the_first_sample_of_the_new_id()
    {
        var a = WithTripId(TestTracks.Straight(T0, 120, 15f), TripTag.FromId(5));
        var b = After(a, 120, 15f, TripTag.FromId(6));
        // The first fix of trip 6 is far off (poor accuracy): the cleaner drops it, the tag of the next one still differs.
        b.GpsAccuracyM[0] = 500f;
        var all = TestTracks.Concat(a, b);

        var report = new SampleCleaner().Clean(all);
        var trips = Segment(all);

        Assert.Equal(1, report.DroppedCount);
        Assert.Equal(2, trips.Count);
        Assert.Equal(T0 + 121_000, trips[1].StartUnixMs);
    }

    [Fact]
    public void Text_ids_cut_where_their_tags_differ()
    {
        // "trip-a" and "trip-b" differ only in the last byte, which FNV-1a's top bits alone would barely see.
        Assert.NotEqual(TripTag.FromId("trip-a"), TripTag.FromId("trip-b"));
        var a = WithTripId(TestTracks.Straight(T0, 120, 15f), TripTag.FromId("trip-a"));
        var b = After(a, 120, 15f, TripTag.FromId("trip-b"));

        Assert.Equal(2, Segment(TestTracks.Concat(a, b)).Count);
    }

    [Fact]
    public void Short_trips_cut_by_an_id_are_still_discarded()
    {
        // 30 s of trip 5 (under the 60 s minimum), then 120 s of trip 6.
        var a = WithTripId(TestTracks.Straight(T0, 30, 15f), TripTag.FromId(5));
        var b = After(a, 120, 15f, TripTag.FromId(6));
        var segmenter = new TripSegmenter();
        var trips = new List<SegmentedTrip>();

        segmenter.Push(TestTracks.Concat(a, b), trips);
        segmenter.Complete(trips);

        Assert.Equal(T0 + 30_000, Assert.Single(trips).StartUnixMs);
        Assert.Equal(1, segmenter.DiscardedTripCount);
    }

    [Property(MaxTest = 40)]
    public Property Trips_cut_by_id_are_the_same_however_the_samples_are_chunked(PositiveInt seed, int[] sizes)
    {
        var random = new Random(seed.Get);
        var parts = new List<SampleBuffer>();
        var t = T0;
        double lat = 52.52, lon = 13.40;
        var id = random.Next(100);
        for (var k = 0; k < 6; k++)
        {
            // Runs of driving back to back; the id changes, stays, or is missing for a run, and stops come in between.
            var moving = TestTracks.RandomTrip(seed.Get + k, 80 + random.Next(200), t, lat, lon);
            id += random.Next(3);
            WithTripId(moving, random.Next(5) == 0 ? SampleFlags.None : TripTag.FromId(id));
            parts.Add(moving);
            t = moving.TimestampUnixMs[^1] + 1000;
            (lat, lon) = (moving.LatitudeDeg[^1], moving.LongitudeDeg[^1]);
            if (random.Next(2) == 0)
            {
                var pause = random.Next(3) switch { 0 => 60, 1 => 320, _ => 10 };
                parts.Add(WithTripId(TestTracks.Straight(t, pause, 0f, lat: lat, lon: lon), TripTag.FromId(id + random.Next(2))));
                t += pause * 1000L;
            }
        }

        return SegmentedTrips.SameWholeAndChunked(TestTracks.Concat([.. parts]), sizes);
    }
}
