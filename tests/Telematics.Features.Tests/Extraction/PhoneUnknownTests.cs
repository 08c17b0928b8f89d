using Telematics.Features.Aggregation;
using Telematics.Features.Extraction;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using static Telematics.Features.Tests.Aggregation.DriverAggregateTests;
using static Telematics.Features.Tests.Extraction.TripFeatureAccumulatorTests;

namespace Telematics.Features.Tests.Extraction;

/// <summary>Phone use a source does not record is missing, not "never touches the phone".</summary>
public sealed class PhoneUnknownTests
{
    [Fact]
    public void A_trip_whose_source_records_no_phone_use_has_both_phone_features_missing()
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) => b.Flags[i] = SampleFlags.PhoneUnknown);

        var f = ExtractFeatures(trip);

        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.PhoneMinutesPerHour)), $"phone min/h {Get(f, TelematicsFeatures.PhoneMinutesPerHour)}");
        Assert.True(float.IsNaN(Get(f, TelematicsFeatures.PhoneMovingShare)), $"phone moving share {Get(f, TelematicsFeatures.PhoneMovingShare)}");
        // Everything else is measured as usual.
        Assert.Equal(9.0, Get(f, TelematicsFeatures.DistanceKm), 0.005);
    }

    [Fact]
    public void Phone_use_is_a_share_of_the_time_that_recorded_it()
    {
        // 10 minutes: the first 5 from a source without phone data, then 5 recording it, with 1 minute handled.
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
            b.Flags[i] = i <= 300 ? SampleFlags.PhoneUnknown : i <= 360 ? SampleFlags.PhoneHandheld : SampleFlags.None);

        var f = ExtractFeatures(trip);

        Assert.Equal(12.0, Get(f, TelematicsFeatures.PhoneMinutesPerHour), 1e-4);
        Assert.Equal(0.2, Get(f, TelematicsFeatures.PhoneMovingShare), 1e-6);
    }

    [Fact]
    public void A_driver_aggregate_prices_phone_use_from_the_trips_that_recorded_it()
    {
        var recorded = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) => b.Flags[i] = i is > 0 and <= 60 ? SampleFlags.PhoneHandheld : SampleFlags.None);
        var blackBox = TestTracks.Straight(TestTracks.MondayMorningUtc + 3_600_000, 601, 15f, adjust: (i, b) => b.Flags[i] = SampleFlags.PhoneUnknown);

        var both = Vector(recorded, blackBox);
        var alone = Vector(blackBox);

        Assert.Equal(6.0, Get(both, TelematicsFeatures.PhoneMinutesPerHour), 1e-4);
        Assert.Equal(0.1, Get(both, TelematicsFeatures.PhoneMovingShare), 1e-6);
        Assert.True(float.IsNaN(Get(alone, TelematicsFeatures.PhoneMinutesPerHour)));
        // The saved state keeps the distinction.
        var restored = new float[TelematicsFeatures.Schema.Count];
        DriverAggregate.FromState(AggregateOf(recorded, blackBox).ToState()).WriteFeatures(restored);
        Assert.Equal(both, restored);
    }

    [Fact]
    public void A_trip_state_saved_before_the_flag_existed_reads_as_recording_phone_use()
    {
        var trip = TestTracks.RandomTrip(5, 900);
        var aggregate = AggregateOf(trip);
        var state = aggregate.ToState();

        // Version 1: the same scalars without the two phone-unknown times (the last two before the histograms).
        const int ScalarsV1 = (21 + 8 + 4) * 8;
        byte[] v1 = [.. state.AsSpan(0, 4 + ScalarsV1), .. state.AsSpan(4 + ScalarsV1 + 16)];
        v1[3] = 1;
        var read = new float[TelematicsFeatures.Schema.Count];
        DriverAggregate.FromState(v1).WriteFeatures(read);

        Assert.Equal(Vector(trip), read);
        Assert.False(float.IsNaN(Get(read, TelematicsFeatures.PhoneMinutesPerHour)));
    }

    private static float[] Vector(params SampleBuffer[] trips)
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        AggregateOf(trips).WriteFeatures(vector);
        return vector;
    }
}
