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

        var braking = Labelled(trip, ManoeuvreKind.HarshBraking);
        var accelerating = Labelled(trip, ManoeuvreKind.HarshAcceleration);
        var turns = Labelled(trip, ManoeuvreKind.HarshLeftTurn) + Labelled(trip, ManoeuvreKind.HarshRightTurn);
        var (strongLaneChanges, borderline) = LaneChanges(trip);
        var cornering = turns + strongLaneChanges;
        var km = withImu[TelematicsFeatures.DistanceKm];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mounting}/{frame}: {km:F2} km; labelled braking {braking}, acceleration {accelerating}, cornering {cornering} (+{borderline} lane changes within 10 % of 0.4 g); " +
            $"per 100 km with IMU {withImu[TelematicsFeatures.HarshBrakingPer100Km]:F1}/{withImu[TelematicsFeatures.RapidAccelerationPer100Km]:F1}/{withImu[TelematicsFeatures.HarshCorneringPer100Km]:F1}, " +
            $"GPS only {gpsOnly[TelematicsFeatures.HarshBrakingPer100Km]:F1}/{gpsOnly[TelematicsFeatures.RapidAccelerationPer100Km]:F1}/{gpsOnly[TelematicsFeatures.HarshCorneringPer100Km]:F1}; " +
            $"phone min/h {withImu[TelematicsFeatures.PhoneMinutesPerHour]:F2} (GPS only {gpsOnly[TelematicsFeatures.PhoneMinutesPerHour]:F2})"));

        Assert.True(braking > 0 && accelerating > 0 && cornering > 0);
        Assert.Equal(braking * 100.0 / km, withImu[TelematicsFeatures.HarshBrakingPer100Km], 1e-3);
        Assert.Equal(accelerating * 100.0 / km, withImu[TelematicsFeatures.RapidAccelerationPer100Km], 1e-3);
        // A lane change whose true peak is within 10 % of 0.4 g may be measured on either side of it through the phone's
        // noise and the detector's smoothing: it may count or not; every other one must be decided as labelled.
        var counted = (int)Math.Round(withImu[TelematicsFeatures.HarshCorneringPer100Km] * km / 100.0);
        Assert.Equal(counted * 100.0 / km, withImu[TelematicsFeatures.HarshCorneringPer100Km], 1e-3);
        Assert.InRange(counted, cornering, cornering + borderline);

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

    /// <summary>Aggressive lane changes clearly as hard as a harsh corner (they count as harsh cornering), and those too close to 0.4 g to tell.</summary>
    private static (int Strong, int Borderline) LaneChanges(SimulatedPhoneTrip trip)
    {
        int strong = 0, borderline = 0;
        foreach (var m in trip.Manoeuvres)
        {
            if (m.Kind is ManoeuvreKind.AggressiveLeftLaneChange or ManoeuvreKind.AggressiveRightLaneChange)
            {
                if (Math.Abs(m.PeakMps2 - CorneringMps2) <= 0.1f * CorneringMps2)
                {
                    borderline++;
                }
                else if (m.PeakMps2 > CorneringMps2)
                {
                    strong++;
                }
            }
        }

        return (strong, borderline);
    }
}
