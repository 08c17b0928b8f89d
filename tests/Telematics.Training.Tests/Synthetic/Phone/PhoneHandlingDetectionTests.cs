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

    [Theory]
    [InlineData(SensorFrame.Device)]
    [InlineData(SensorFrame.Earth)]
    public async Task Readings_that_are_not_numbers_are_left_out_as_missing_ones(SensorFrame frame)
    {
        var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Frame = frame, Handlings = 2 }, 13);
        var clean = new ImuRecording { Frame = trip.Recording.Frame, IsEpochTime = trip.Recording.IsEpochTime };
        var glitched = new ImuRecording { Frame = trip.Recording.Frame, IsEpochTime = trip.Recording.IsEpochTime };
        foreach (var sensor in Enum.GetValues<ImuSensor>())
        {
            var (every, bad) = sensor switch
            {
                ImuSensor.Accelerometer => (997, float.NaN),
                ImuSensor.Gyroscope => (1009, float.PositiveInfinity),
                _ => (int.MaxValue, 0f),
            };
            Copy(trip.Recording[sensor], clean[sensor], glitched[sensor], every, bad);
        }

        var gps = trip.Recording.Gps;
        for (var i = 0; i < gps.Count; i++)
        {
            clean.Gps.Add(gps.TimeNs[i], gps.LatitudeDeg[i], gps.LongitudeDeg[i], gps.SpeedMps[i]);
            glitched.Gps.Add(gps.TimeNs[i], gps.LatitudeDeg[i], gps.LongitudeDeg[i], gps.SpeedMps[i]);
        }

        Assert.True(trip.Recording.Accelerometer.Count > 997 && trip.Recording.Gyroscope.Count > 1009);

        // Before the fix a NaN rotation rate never moved the handling scan on: bounded, so a hang fails the test.
        var analysis = Task.Run(() => Analyze(glitched));
        Assert.Same(analysis, await Task.WhenAny(analysis, Task.Delay(TimeSpan.FromSeconds(30))));

        var (manoeuvres, handling) = Analyze(clean);
        var (glitchedManoeuvres, glitchedHandling) = await analysis;
        Assert.NotEmpty(manoeuvres);
        Assert.NotEmpty(handling);
        Assert.Equal(manoeuvres, glitchedManoeuvres);
        Assert.Equal(handling, glitchedHandling);
    }

    private static (List<Manoeuvre>, List<PhoneHandling>) Analyze(ImuRecording recording)
    {
        var manoeuvres = new List<Manoeuvre>();
        var handling = new List<PhoneHandling>();
        new PhoneTripAnalyzer().Analyze(recording, manoeuvres, handling);
        return (manoeuvres, handling);
    }

    // Copies the readings into both series; every n-th one goes to the glitched series only, with its y axis replaced.
    private static void Copy(ImuSeries from, ImuSeries clean, ImuSeries glitched, int every, float bad)
    {
        for (var i = 0; i < from.Count; i++)
        {
            if (every < int.MaxValue && i % every == every / 2)
            {
                glitched.Add(from.TimeNs[i], from.X[i], bad, from.Z[i]);
                continue;
            }

            clean.Add(from.TimeNs[i], from.X[i], from.Y[i], from.Z[i]);
            glitched.Add(from.TimeNs[i], from.X[i], from.Y[i], from.Z[i]);
        }
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
