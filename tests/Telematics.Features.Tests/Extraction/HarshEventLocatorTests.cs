using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Telematics.Features.Extraction;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Extraction;

public sealed class HarshEventLocatorTests
{
    [Property(MaxTest = 60)]
    public Property The_events_located_are_the_events_the_features_count(PositiveInt seed)
    {
        var trip = TestTracks.RandomTrip(seed.Get, 900, withEvents: true);
        var accumulator = new TripFeatureAccumulator(TestTracks.Berlin);
        accumulator.Add(new SampleSpan(trip));
        var totals = accumulator.Snapshot();
        var events = new List<HarshEvent>();

        HarshEventLocator.Locate(new SampleSpan(trip), events);

        var braking = events.Count(e => e.Kind == HarshEventKind.Braking);
        var accelerating = events.Count(e => e.Kind == HarshEventKind.Acceleration);
        var cornering = events.Count(e => e.Kind == HarshEventKind.Cornering);
        var peaksInside = events.All(e => e.PeakIndex >= 0 && trip.TimestampUnixMs[e.PeakIndex] > e.StartUnixMs && trip.TimestampUnixMs[e.PeakIndex] <= e.EndUnixMs);
        return (braking == totals.HarshBrakingCount && accelerating == totals.RapidAccelerationCount && cornering == totals.HarshCorneringCount && peaksInside)
            .Label($"located {braking}/{accelerating}/{cornering}, counted {totals.HarshBrakingCount}/{totals.RapidAccelerationCount}/{totals.HarshCorneringCount}, peaks inside {peaksInside}");
    }

    [Fact]
    public void A_sustained_hard_brake_is_one_event_peaking_at_its_strongest_sample()
    {
        var trip = TestTracks.Straight(TestTracks.MondayMorningUtc, 601, 15f, adjust: (i, b) =>
        {
            if (i is >= 300 and < 303)
            {
                b.LongitudinalAccelMps2[i] = i == 301 ? -6f : -4.5f;
            }
        });
        var events = new List<HarshEvent>();

        HarshEventLocator.Locate(new SampleSpan(trip), events);

        var brake = Assert.Single(events);
        Assert.Equal(HarshEventKind.Braking, brake.Kind);
        Assert.Equal(301, brake.PeakIndex);
        Assert.Equal(-6f, brake.PeakMps2);
        Assert.Equal(trip.TimestampUnixMs[299], brake.StartUnixMs);
        Assert.Equal(trip.TimestampUnixMs[302], brake.EndUnixMs);
    }
}
