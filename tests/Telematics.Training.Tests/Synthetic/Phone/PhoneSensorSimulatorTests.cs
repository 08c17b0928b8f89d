using Telematics.Features.Imu;
using Telematics.Training.Synthetic.Phone;

namespace Telematics.Training.Tests.Synthetic.Phone;

public sealed class PhoneSensorSimulatorTests
{
    [Theory]
    [InlineData(PhoneMounting.Dashboard, SensorFrame.Device)]
    [InlineData(PhoneMounting.CupHolder, SensorFrame.Earth)]
    [InlineData(PhoneMounting.Pocket, SensorFrame.Earth)]
    [InlineData(PhoneMounting.Pocket, SensorFrame.Device)]
    public void Readings_stay_within_what_a_phone_can_read_and_gravity_is_there(PhoneMounting mounting, SensorFrame frame)
    {
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = mounting, Frame = frame, MoveMidTrip = seed % 2 == 0 }, seed);
            var gyro = trip.Recording.Gyroscope;
            for (var i = 0; i < gyro.Count; i++)
            {
                // A hand turns a phone at a few rad/s; tens would be a simulation artefact (a flipped interpolation).
                Assert.True(MathF.Abs(gyro.X[i]) < 8 && MathF.Abs(gyro.Y[i]) < 8 && MathF.Abs(gyro.Z[i]) < 8, $"seed {seed}: gyroscope {gyro.X[i]}, {gyro.Y[i]}, {gyro.Z[i]} at reading {i}");
            }

            var acc = trip.Recording.Accelerometer;
            double magnitude = 0;
            for (var i = 0; i < acc.Count; i++)
            {
                magnitude += Math.Sqrt((acc.X[i] * acc.X[i]) + (acc.Y[i] * acc.Y[i]) + (acc.Z[i] * acc.Z[i]));
            }

            // Gravity dominates every reading, whatever the orientation.
            Assert.InRange(magnitude / acc.Count, 9.5, 10.5);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_trip()
    {
        var options = new PhoneSimulationOptions { Mounting = PhoneMounting.Pocket, Frame = SensorFrame.Earth, Gps = true };
        var a = PhoneSensorSimulator.Simulate(options, 9);
        var b = PhoneSensorSimulator.Simulate(options, 9);

        Assert.Equal(a.Recording.Accelerometer.X.ToArray(), b.Recording.Accelerometer.X.ToArray());
        Assert.Equal(a.Recording.Gyroscope.TimeNs.ToArray(), b.Recording.Gyroscope.TimeNs.ToArray());
        Assert.Equal(a.Manoeuvres, b.Manoeuvres);
        Assert.Equal(a.MountingDescription, b.MountingDescription);
    }
}
