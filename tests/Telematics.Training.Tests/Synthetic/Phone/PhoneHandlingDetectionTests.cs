using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>Phone handling against the simulator's truth: found, not invented, flagged out of scoring, and a move told apart.</summary>
public sealed class PhoneHandlingDetectionTests
{
    [Theory]
    [InlineData(PhoneMounting.Dashboard, SensorFrame.Device)]
    [InlineData(PhoneMounting.Pocket, SensorFrame.Device)]
    [InlineData(PhoneMounting.CupHolder, SensorFrame.Earth)]
    public void Every_handling_is_found_and_nothing_else_is_called_handling(PhoneMounting mounting, SensorFrame frame)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = mounting, Frame = frame, Handlings = 3 }, 11);
        var handling = new List<PhoneHandling>();
        var manoeuvres = new List<Manoeuvre>();
        new PhoneTripAnalyzer().Analyze(trip.Recording, manoeuvres, handling);

        Assert.Equal(3, trip.Handling.Count);
        foreach (var (start, end) in trip.Handling)
        {
            Assert.Contains(handling, h => h.StartNs < end && start < h.EndNs);
        }

        // Each detected span covers a true one, give or take the margins added around it.
        const long Slack = 2_000_000_000;
        foreach (var h in handling)
        {
            Assert.Contains(trip.Handling, t => h.StartNs >= t.StartNs - Slack && h.EndNs <= t.EndNs + Slack);
            Assert.DoesNotContain(manoeuvres, m => m.StartNs < h.EndNs && h.StartNs < m.EndNs);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Handling_while_driving_is_marked_moving_from_GPS_and_left_open_without_it(bool gps)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Frame = SensorFrame.Earth, Gps = gps, Handlings = 2 }, 12);
        var handling = new List<PhoneHandling>();
        new PhoneTripAnalyzer().Analyze(trip.Recording, [], handling);

        Assert.NotEmpty(handling);
        Assert.All(handling, h => Assert.Equal(gps ? true : null, h.Moving));
    }

    [Fact]
    public void A_phone_put_back_in_another_orientation_is_reported_as_remounted()
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = PhoneMounting.CupHolder, MoveMidTrip = true, Handlings = 2 }, 5);
        var handling = new List<PhoneHandling>();
        new PhoneTripAnalyzer().Analyze(trip.Recording, [], handling);

        var first = trip.Handling[0];
        var second = trip.Handling[1];
        Assert.Contains(handling, h => h.Remounted && h.StartNs < first.EndNs && first.StartNs < h.EndNs);
        Assert.DoesNotContain(handling, h => h.Remounted && h.StartNs < second.EndNs && second.StartNs < h.EndNs);
    }
}
