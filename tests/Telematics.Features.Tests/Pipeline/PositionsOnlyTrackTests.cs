using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;

namespace Telematics.Features.Tests.Pipeline;

/// <summary>
/// A file of positions only (a GPX export, iOS speed -1 read as missing): speed is derived from position change, and
/// GPS jitter while parked used to read as motion (the stop vanished) and its differences as harsh braking and
/// acceleration (a 57 m jump in one second is 57 m/s² if believed).
/// </summary>
public sealed class PositionsOnlyTrackTests
{
    private const double Lat = 52.52;
    private const double Lon = 13.40;

    /// <summary>
    /// 1 Hz, positions only: a gentle drive east (±1.5 m/s²), 420 s parked with every fix jittered up to 2 m around the
    /// spot and one fix 57 m off, then a gentle drive on.
    /// </summary>
    private static SampleBuffer DriveStopDrive()
    {
        var buffer = new SampleBuffer();
        var t = TestTracks.MondayMorningUtc;
        var (lat, lon) = (Lat, Lon);
        void Drive()
        {
            // 10 s up to 15 m/s, 280 s at it, 10 s down to standing: nothing near a harsh threshold.
            for (var s = 0; s < 300; s++)
            {
                var v = s < 10 ? 1.5 * (s + 0.5) : s >= 290 ? 1.5 * (300 - s - 0.5) : 15.0;
                (lat, lon) = TestTracks.Move(lat, lon, 90, v);
                t += 1000;
                buffer.Add(new TelematicsSample(t, lat, lon));
            }
        }

        buffer.Add(new TelematicsSample(t, lat, lon));
        Drive();
        var random = new Random(7);
        for (var s = 0; s < 420; s++)
        {
            t += 1000;
            var (jLat, jLon) = s == 200
                ? TestTracks.Move(lat, lon, 10, 57)
                : TestTracks.Move(lat, lon, random.NextDouble() * 360, random.NextDouble() * 2);
            buffer.Add(new TelematicsSample(t, jLat, jLon));
        }

        Drive();
        return buffer;
    }

    private static List<TripFeatures> Run(SampleBuffer samples)
    {
        var pipeline = new DriverFeaturePipeline(TestTracks.Berlin);
        var trips = new List<TripFeatures>(pipeline.Push(samples));
        trips.AddRange(pipeline.Complete());
        return trips;
    }

    [Fact]
    public void Jitter_while_parked_neither_hides_the_stop_nor_reads_as_harsh_braking_or_acceleration()
    {
        var trips = Run(DriveStopDrive());

        // The 420 s stop ends the first trip (300 s standing is a stop).
        Assert.Equal(2, trips.Count);
        foreach (var trip in trips)
        {
            Assert.Equal(4.35, trip.DistanceKm, 0.3);
            Assert.Equal(0f, trip[TelematicsFeatures.HarshBrakingPer100Km]);
            Assert.Equal(0f, trip[TelematicsFeatures.RapidAccelerationPer100Km]);
            Assert.True(trip[TelematicsFeatures.P95SpeedKmh] < 60, $"p95 speed {trip[TelematicsFeatures.P95SpeedKmh]} km/h");
        }
    }
}
