using System.Globalization;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;
using Telematics.Training.Synthetic.Phone;
using Xunit.Abstractions;

namespace Telematics.Training.Tests.Synthetic.Phone;

/// <summary>
/// An uncalibrated phone gyroscope's bias (0.02 rad/s, four times the simulator's) would turn the Earth-frame axes by
/// 69° a minute if integrated as it is, and makes straight driving look like a bend: the chain must estimate and remove it.
/// </summary>
public sealed class PhoneGyroscopeBiasTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(SensorFrame.Earth)]
    [InlineData(SensorFrame.Device)]
    public void A_trip_with_a_gyroscope_bias_keeps_precision_and_recall(SensorFrame frame)
    {
        var score = new DetectionScore();
        var analyzer = new PhoneTripAnalyzer();
        var detections = new List<Manoeuvre>();
        foreach (var mounting in new[] { PhoneMounting.Dashboard, PhoneMounting.CupHolder, PhoneMounting.Pocket })
        {
            for (var seed = 0; seed < 2; seed++)
            {
                var trip = PhoneSensorSimulator.Simulate(new PhoneSimulationOptions { Mounting = mounting, Frame = frame }, 700 + ((ulong)mounting * 10) + (ulong)seed);
                analyzer.Analyze(WithYawBias(trip.Recording, seed == 0 ? 0.02f : -0.02f), detections);
                score.Add(trip.Manoeuvres, detections);
            }
        }

        var failures = new List<string>();
        foreach (var kind in Enum.GetValues<ManoeuvreKind>())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind,-27} {score.Labelled(kind),4} {score.Detected(kind),4} {score.Precision(kind):F2} {score.Recall(kind):F2}"));
            if (score.Precision(kind) < 0.9 || score.Recall(kind) < 0.9)
            {
                failures.Add($"{kind}: precision {score.Precision(kind):F2}, recall {score.Recall(kind):F2}");
            }
        }

        Assert.Empty(failures);
    }

    private static ImuRecording WithYawBias(ImuRecording source, float bias)
    {
        var copy = new ImuRecording { Frame = source.Frame, IsEpochTime = source.IsEpochTime };
        Copy(source.Accelerometer, copy.Accelerometer, 0);
        Copy(source.LinearAcceleration, copy.LinearAcceleration, 0);
        Copy(source.Gyroscope, copy.Gyroscope, bias, source.Frame == SensorFrame.Device);
        return copy;
    }

    // Earth frame: about the vertical. Device frame: on every axis of the phone, so some of it is about the vertical
    // whatever the mounting.
    private static void Copy(ImuSeries from, ImuSeries to, float bias, bool everyAxis = false)
    {
        var other = everyAxis ? bias : 0;
        for (var i = 0; i < from.Count; i++)
        {
            to.Add(from.TimeNs[i], from.X[i] + other, from.Y[i] + other, from.Z[i] + bias);
        }
    }
}
