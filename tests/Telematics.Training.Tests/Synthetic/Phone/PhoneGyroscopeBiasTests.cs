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

    [Fact]
    public void A_short_stretch_between_long_gaps_takes_the_trips_gyroscope_bias()
    {
        // Two 12 s gaps cut a 28 s stretch out of an Earth-frame trip: too short for its own bias estimate, so without
        // the trip's the axes turn 0.02 rad/s × 23 s (26°) from its harsh acceleration to its harsh braking, and the
        // braking's direction comes out 10° off the vehicle's axis (0° with the bias removed, the data being noiseless).
        const long StartNs = 1_773_648_000_000_000_000;
        var recording = new ImuRecording { Frame = SensorFrame.Earth };
        var heading = 0.7;
        for (var i = 0; i < 290 * 50; i++)
        {
            var t = i / 50.0;
            if (t is >= 120 and < 132 or >= 160 and < 172)
            {
                continue;
            }

            var (longitudinal, yawRate) = ScriptedDrive(t);
            var lateral = 15 * yawRate;
            heading += yawRate / 50;
            var (sin, cos) = Math.SinCos(heading);
            var timeNs = StartNs + (long)(t * 1e9);
            recording.LinearAcceleration.Add(timeNs, (float)((longitudinal * cos) - (lateral * sin)), (float)((longitudinal * sin) + (lateral * cos)), 0);
            recording.Gyroscope.Add(timeNs, 0, 0, (float)yawRate + 0.02f);
        }

        var analyzer = new PhoneTripAnalyzer();
        var manoeuvres = new List<Manoeuvre>();
        analyzer.Analyze(recording, manoeuvres);

        // The braking at 156–158 s, after the first gap: its direction in the vehicle frame, 0° being straight back.
        var motion = analyzer.Motion;
        double sumLongitudinal = 0, sumLateral = 0;
        for (var i = 0; i < motion.Count; i++)
        {
            var t = (motion.TimeNs(i) - StartNs) / 1e9;
            if (t is >= 156.5 and < 157.5)
            {
                sumLongitudinal += motion.LongitudinalMps2[i];
                sumLateral += motion.LateralMps2[i];
            }
        }

        var angle = Math.Atan2(sumLateral, -sumLongitudinal) * 180 / Math.PI;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"braking after the gap: {angle:F1}° off the longitudinal axis"));
        Assert.True(Math.Abs(angle) < 5, $"braking {angle:F1}° off the axis");
        Assert.Contains(manoeuvres, m => m.Kind == ManoeuvreKind.HarshBraking && m.StartNs < StartNs + 158_000_000_000 && m.EndNs > StartNs + 156_000_000_000);
    }

    // Longitudinal acceleration (m/s²) and yaw rate (rad/s) at 15 m/s: turns and speed changes before, between and after the gaps.
    private static (double Longitudinal, double YawRate) ScriptedDrive(double t) => t switch
    {
        >= 20 and < 25 or >= 144 and < 148 or >= 200 and < 205 => (0, 0.3),
        >= 80 and < 85 or >= 240 and < 245 => (0, -0.3),
        >= 40 and < 42 or >= 100 and < 102 or >= 156 and < 158 or >= 220 and < 222 => (-5, 0),
        >= 60 and < 62 or >= 133 and < 135 or >= 260 and < 262 => (4, 0),
        _ => (0, 0),
    };

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
