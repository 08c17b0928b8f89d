using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Aggregation;
using Telematics.Features.Extraction;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using static Telematics.Features.Tests.Extraction.TripFeatureAccumulatorTests;

namespace Telematics.Features.Tests.Aggregation;

public sealed class DriverAggregateTests
{
    internal static DriverAggregate AggregateOf(params SampleBuffer[] trips)
    {
        var aggregate = new DriverAggregate();
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);
        foreach (var trip in trips)
        {
            accumulator.Reset();
            accumulator.Add(new SampleSpan(trip));
            aggregate.AddTrip(accumulator);
        }

        return aggregate;
    }

    private static float[] Vector(DriverAggregate aggregate)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        aggregate.WriteFeatures(vector);
        return vector;
    }

    [Property(MaxTest = 50)]
    public Property Aggregating_two_halves_of_a_track_equals_the_features_of_the_whole_track(PositiveInt seed, PositiveInt cut)
    {
        // The halves share the sample at the cut, so together they hold exactly the intervals of the whole.
        var whole = TestTracks.RandomTrip(seed.Get, 1500, withEvents: false);
        var k = 10 + (cut.Get % 1480);
        var first = TestTracks.Slice(whole, 0, k + 1);
        var second = TestTracks.Slice(whole, k, whole.Count - k);

        var expected = ExtractFeatures(whole);
        var actual = Vector(AggregateOf(first, second));

        var mismatches = new List<string>();
        for (var i = 0; i < expected.Length; i++)
        {
            var name = TelematicsFeatures.Schema.Features[i].Name;
            if (name is TelematicsFeatures.TripCount or TelematicsFeatures.MeanTripKm or TelematicsFeatures.DroppedRecordShare)
            {
                continue; // two trips by construction; the shared sample is counted twice as a record
            }

            if (Math.Abs(expected[i] - actual[i]) > 1e-5 * Math.Max(1.0, Math.Abs(expected[i])))
            {
                mismatches.Add($"{name}: {expected[i]} vs {actual[i]}");
            }
        }

        return (mismatches.Count == 0 && actual[2] == 2f).Label(string.Join("; ", mismatches));
    }

    [Fact]
    public void Event_rates_are_events_of_all_trips_over_the_km_of_all_trips()
    {
        static SampleBuffer TripWithBrakes(long start, params int[] at) => TestTracks.Straight(start, 601, 15f, adjust: (i, b) =>
        {
            if (Array.IndexOf(at, i) >= 0)
            {
                b.LongitudinalAccelMps2[i] = -4f;
            }
        });

        var aggregate = AggregateOf(TripWithBrakes(TestTracks.MondayMorningUtc, 100, 400), TripWithBrakes(TestTracks.MondayMorningUtc + 3_600_000, 200));

        var f = Vector(aggregate);
        Assert.Equal(3 * 100.0 / 18.0, Get(f, TelematicsFeatures.HarshBrakingPer100Km), 0.01);
        Assert.Equal(2f, Get(f, TelematicsFeatures.TripCount));
        Assert.Equal(9.0, Get(f, TelematicsFeatures.MeanTripKm), 0.01);
    }

    [Property(MaxTest = 30)]
    public Property Merging_aggregates_equals_adding_every_trip_to_one(PositiveInt seed)
    {
        var trips = new SampleBuffer[5];
        for (var i = 0; i < trips.Length; i++)
        {
            trips[i] = TestTracks.RandomTrip(seed.Get + i, 300, TestTracks.MondayMorningUtc + (i * 7_200_000L));
        }

        var merged = AggregateOf(trips[0], trips[1]);
        merged.Merge(AggregateOf(trips[2], trips[3], trips[4]));
        var direct = AggregateOf(trips);

        var a = Vector(merged);
        var b = Vector(direct);
        var close = true;
        for (var i = 0; i < a.Length; i++)
        {
            close &= Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(1.0, Math.Abs(b[i]));
        }

        return close.ToProperty();
    }

    [Fact]
    public void An_aggregate_survives_a_round_trip_through_its_state()
    {
        var aggregate = AggregateOf(TestTracks.RandomTrip(1, 3000), TestTracks.RandomTrip(2, 2000, TestTracks.MondayMorningUtc + 86_400_000));

        var state = aggregate.ToState();
        var restored = DriverAggregate.FromState(state);

        Assert.Equal(Vector(aggregate), Vector(restored));
        Assert.Equal(state, restored.ToState());
        Assert.InRange(state.Length, 100, 2000);
    }

    [Fact]
    public void A_truncated_state_is_refused_with_the_field_named()
    {
        var state = AggregateOf(TestTracks.RandomTrip(1, 500)).ToState();

        var error = Assert.Throws<FormatException>(() => DriverAggregate.FromState(state.AsSpan(0, 18)));

        Assert.Contains("DistanceM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_state_are_refused()
    {
        Assert.Throws<FormatException>(() => DriverAggregate.FromState("{\"trips\":1}"u8));
        Assert.Throws<FormatException>(() => DriverAggregate.FromState([(byte)'T', (byte)'F', (byte)'A', 99]));
    }

    [Fact]
    public void An_empty_aggregate_has_its_totals_and_shares_zero_and_what_needs_measured_time_missing()
    {
        var vector = Vector(new DriverAggregate());
        var schema = Telematics.Features.Schema.TelematicsFeatures.Schema;

        // No time outside GPS gaps (no time at all): speed, behaviour and phone use were never measured.
        string[] missing =
        [
            TelematicsFeatures.MeanSpeedKmh, TelematicsFeatures.P95SpeedKmh, TelematicsFeatures.SpeedingShare, TelematicsFeatures.SevereSpeedingShare,
            TelematicsFeatures.VeryHighSpeedShare, TelematicsFeatures.HarshBrakingPer100Km, TelematicsFeatures.RapidAccelerationPer100Km,
            TelematicsFeatures.HarshCorneringPer100Km, TelematicsFeatures.MeanAbsJerkMps3, TelematicsFeatures.P95AbsJerkMps3,
            TelematicsFeatures.P95LateralG, TelematicsFeatures.PhoneMinutesPerHour, TelematicsFeatures.PhoneMovingShare,
        ];
        for (var i = 0; i < vector.Length; i++)
        {
            var name = schema.Features[i].Name;
            Assert.True(missing.Contains(name) ? float.IsNaN(vector[i]) : vector[i] == 0f, name);
        }

        Assert.True(TelematicsFeatures.ShowsNoDriving(vector));
    }

    [Property(MaxTest = 40)]
    public Property Adding_the_trips_saved_states_in_order_gives_the_aggregate_bit_for_bit(PositiveInt seed, PositiveInt trips)
    {
        var count = 1 + (trips.Get % 6);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);
        var direct = new DriverAggregate();
        var fromStates = new DriverAggregate();
        for (var t = 0; t < count; t++)
        {
            accumulator.Reset();
            accumulator.Add(new SampleSpan(TestTracks.RandomTrip(seed.Get + t, 300 + (t * 37))));
            direct.AddTrip(accumulator);
            var one = new DriverAggregate();
            one.AddTrip(accumulator);
            fromStates.AddState(one.ToState());
        }

        var expected = Vector(direct);
        var actual = Vector(fromStates);
        return (expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits))
            && direct.ToState().AsSpan().SequenceEqual(fromStates.ToState())).ToProperty();
    }

    [Fact]
    public void A_bad_state_added_changes_nothing()
    {
        var aggregate = AggregateOf(TestTracks.RandomTrip(3, 400));
        var before = aggregate.ToState();
        var state = AggregateOf(TestTracks.RandomTrip(4, 400)).ToState();

        Assert.Throws<FormatException>(() => aggregate.AddState(state.AsSpan(0, state.Length - 1)));
        Assert.Throws<FormatException>(() => aggregate.AddState([.. state, 0])); // trailing bytes, found after every field was read
        var unordered = state.ToArray();
        unordered[4 + 280] = 0x7F; // the speed histogram claims 127 bins: its bins then run into the next histogram and past the end
        Assert.Throws<FormatException>(() => aggregate.AddState(unordered));

        Assert.Equal(before, aggregate.ToState());
    }
}
