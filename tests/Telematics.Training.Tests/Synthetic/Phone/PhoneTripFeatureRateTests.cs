using System.Globalization;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Training.Synthetic.Phone;
using Xunit.Abstractions;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>
/// A simulated phone trip and its 1 Hz GPS track through the driver pipeline with the phone's evidence: the trip's harsh
/// rates are the labelled manoeuvres per 100 km of the GPS track, and the labelled handling shows up as phone time.
/// </summary>
public sealed class PhoneTripFeatureRateTests(ITestOutputHelper output)
{
    // The v1/v2 rates' own thresholds (FeatureExtractionOptions), above the detector's: a phone manoeuvre counts in a
    // rate only as hard as the GPS-derived events the rate means.
    private const float BrakingMps2 = 3.4f;
    private const float AccelerationMps2 = 3.4f;
    private const float CorneringMps2 = 3.9f;

    [Theory]
    [InlineData(PhoneMounting.Dashboard, SensorFrame.Device, 401UL)]
    [InlineData(PhoneMounting.CupHolder, SensorFrame.Device, 402UL)]
    [InlineData(PhoneMounting.Pocket, SensorFrame.Earth, 403UL)]
    public void Harsh_rates_of_a_phone_trip_are_its_labelled_manoeuvres_per_100_km(PhoneMounting mounting, SensorFrame frame, ulong seed)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = mounting, Frame = frame, Gps = true }, seed);
        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        var handling = new List<PhoneHandling>();
        analyzer.Analyze(trip.Recording, manoeuvres, handling);
        var imu = new ImuTripEvidence();
        imu.Add(analyzer.Motion, manoeuvres, handling, unixOffsetNs: 0);

        var withImu = Measure(trip, imu);
        var gpsOnly = Measure(trip, null);

        var (braking, brakingBorderline) = Beyond(trip, BrakingMps2, ManoeuvreKind.HarshBraking);
        var (accelerating, acceleratingBorderline) = Beyond(trip, AccelerationMps2, ManoeuvreKind.HarshAcceleration);
        var (cornering, borderline) = Beyond(trip, CorneringMps2, ManoeuvreKind.HarshLeftTurn, ManoeuvreKind.HarshRightTurn, ManoeuvreKind.AggressiveLeftLaneChange, ManoeuvreKind.AggressiveRightLaneChange);
        var km = withImu[TelematicsFeatures.DistanceKm];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mounting}/{frame}: {km:F2} km; labelled beyond the rates' thresholds: braking {braking} (+{brakingBorderline} within 15 %), acceleration {accelerating} (+{acceleratingBorderline}), cornering {cornering} (+{borderline}); " +
            $"per 100 km with IMU {withImu[TelematicsFeatures.HarshBrakingPer100Km]:F1}/{withImu[TelematicsFeatures.RapidAccelerationPer100Km]:F1}/{withImu[TelematicsFeatures.HarshCorneringPer100Km]:F1}, " +
            $"GPS only {gpsOnly[TelematicsFeatures.HarshBrakingPer100Km]:F1}/{gpsOnly[TelematicsFeatures.RapidAccelerationPer100Km]:F1}/{gpsOnly[TelematicsFeatures.HarshCorneringPer100Km]:F1}; " +
            $"phone min/h {withImu[TelematicsFeatures.PhoneMinutesPerHour]:F2} (GPS only {gpsOnly[TelematicsFeatures.PhoneMinutesPerHour]:F2})"));

        Assert.True(braking + brakingBorderline > 0 && cornering > 0);

        // A manoeuvre whose true peak is within 15 % of a rate's threshold may be measured on either side of it through
        // the phone's noise, the body's pitch and roll and the detector's smoothing: it may count or not; every other one
        // must be decided as labelled.
        AssertCount(braking, brakingBorderline, withImu[TelematicsFeatures.HarshBrakingPer100Km], km);
        AssertCount(accelerating, acceleratingBorderline, withImu[TelematicsFeatures.RapidAccelerationPer100Km], km);
        AssertCount(cornering, borderline, withImu[TelematicsFeatures.HarshCorneringPer100Km], km);

        // The simulated track has no phone flags: all phone time is the handling the motion sensors found, about as long
        // as the labelled handling (the detector's spans start and end within a second or so of the hand's).
        var labelledHandlingS = trip.Handling.Sum(h => (h.EndNs - h.StartNs) / 1e9);
        var drivingHours = withImu[TelematicsFeatures.DrivingHours];
        var phoneS = withImu[TelematicsFeatures.PhoneMinutesPerHour] * drivingHours * 60;
        Assert.Equal(0f, gpsOnly[TelematicsFeatures.PhoneMinutesPerHour]);
        Assert.InRange(phoneS, labelledHandlingS * 0.7, labelledHandlingS * 1.3 + 4);
    }

    private static TripFeatures Measure(SimulatedPhoneTrip trip, ImuTripEvidence? imu)
    {
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc) { Imu = imu };
        var trips = new List<TripFeatures>(pipeline.Push(GpsTrack(trip.Recording.Gps)));
        trips.AddRange(pipeline.Complete());
        return Assert.Single(trips);
    }

    /// <summary>The phone's GPS fixes as the SDK's samples: position and speed; the pipeline derives the accelerations.</summary>
    private static SampleBuffer GpsTrack(GpsSeries gps)
    {
        var buffer = new SampleBuffer(gps.Count);
        for (var i = 0; i < gps.Count; i++)
        {
            buffer.Add(new TelematicsSample(gps.TimeNs[i] / 1_000_000, gps.LatitudeDeg[i], gps.LongitudeDeg[i]) { SpeedMps = gps.SpeedMps[i], GpsAccuracyM = 5f });
        }

        return buffer;
    }

    private static int Labelled(SimulatedPhoneTrip trip, ManoeuvreKind kind) => trip.Manoeuvres.Count(m => m.Kind == kind);

    private static void AssertCount(int strong, int borderline, float per100Km, double km)
    {
        var counted = (int)Math.Round(per100Km * km / 100.0);
        Assert.Equal(counted * 100.0 / km, per100Km, 1e-3);
        Assert.InRange(counted, strong, strong + borderline);
    }

    /// <summary>Labelled manoeuvres of the kinds clearly beyond <paramref name="threshold"/> (they count in its rate), and those too close to it to tell.</summary>
    private static (int Strong, int Borderline) Beyond(SimulatedPhoneTrip trip, float threshold, params ManoeuvreKind[] kinds)
    {
        int strong = 0, borderline = 0;
        foreach (var m in trip.Manoeuvres)
        {
            if (m.Kind is { } kind && Array.IndexOf(kinds, kind) >= 0)
            {
                if (Math.Abs(m.PeakMps2 - threshold) <= 0.15f * threshold)
                {
                    borderline++;
                }
                else if (m.PeakMps2 > threshold)
                {
                    strong++;
                }
            }
        }

        return (strong, borderline);
    }
}
