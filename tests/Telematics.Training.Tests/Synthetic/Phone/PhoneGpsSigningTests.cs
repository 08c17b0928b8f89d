using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>On a straight road no turn tells forward from backward: GPS speed changes do, and without GPS nothing is guessed.</summary>
public sealed class PhoneGpsSigningTests
{
    [Theory]
    [InlineData(SensorFrame.Device, PhoneMounting.Dashboard)]
    [InlineData(SensorFrame.Earth, PhoneMounting.Pocket)]
    public void On_a_straight_road_GPS_speed_changes_sign_the_forward_direction(SensorFrame frame, PhoneMounting mounting)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Frame = frame, Mounting = mounting, StraightRoad = true, Gps = true, AggressivePerKind = 6 }, 31);
        var manoeuvres = new List<Manoeuvre>();
        new PhoneTripAnalyzer().Analyze(trip.Recording, manoeuvres);
        var score = new DetectionScore();
        score.Add(trip.Manoeuvres, manoeuvres);

        Assert.True(trip.Recording.Gps.Count > 100);
        foreach (var kind in new[] { ManoeuvreKind.HarshBraking, ManoeuvreKind.HarshAcceleration })
        {
            Assert.True(score.Recall(kind) >= 0.9, $"{kind} recall {score.Recall(kind):F2}");
            Assert.True(score.Precision(kind) >= 0.9, $"{kind} precision {score.Precision(kind):F2}");
        }
    }

    [Fact]
    public void On_a_straight_road_without_GPS_the_direction_is_left_unresolved_rather_than_guessed()
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Frame = SensorFrame.Device, Mounting = PhoneMounting.CupHolder, StraightRoad = true, Handlings = 0, AggressivePerKind = 6 }, 32);
        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        analyzer.Analyze(trip.Recording, manoeuvres);

        var unresolved = 0;
        foreach (var flag in analyzer.Motion.Flags)
        {
            unresolved += (flag & MotionFlags.FrameUnresolved) != 0 ? 1 : 0;
        }

        Assert.True(unresolved > analyzer.Motion.Count * 0.9, $"{unresolved} of {analyzer.Motion.Count} bins unresolved");
        Assert.Empty(manoeuvres);
    }
}
