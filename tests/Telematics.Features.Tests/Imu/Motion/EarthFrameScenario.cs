using Telematics.Features.Imu;

namespace Telematics.Features.Tests.Imu.Motion;

/// <summary>
/// A hand-made Earth-frame (East-North-Up) drive: pieces of constant longitudinal acceleration and yaw rate at 50 Hz,
/// with sensor noise, an optional gyroscope bias and gaps, so one situation can be placed exactly where a test needs it.
/// </summary>
internal sealed class EarthFrameScenario
{
    private const double Step = 0.02;
    private readonly List<(double Seconds, double Longitudinal, double YawRate)> _pieces = [];
    private readonly List<(double Start, double End)> _gaps = [];

    public double Seconds { get; private set; }

    /// <summary>Adds a piece and returns its start, seconds.</summary>
    public double Add(double seconds, double longitudinal, double yawRate)
    {
        var start = Seconds;
        _pieces.Add((seconds, longitudinal, yawRate));
        Seconds += seconds;
        return start;
    }

    public void Gap(double start, double end) => _gaps.Add((start, end));

    /// <summary>The readings: accelerometer with gravity and gyroscope, both in East-North-Up.</summary>
    public ImuRecording Record(double yawBias = 0, double speed = 10, double heading = 0.5, int seed = 1)
    {
        var random = new Random(seed);
        double Noise(double sigma) => sigma * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
        var recording = new ImuRecording { Frame = SensorFrame.Earth, IsEpochTime = true };
        const long StartNs = 1_773_648_000_000_000_000;
        var t = 0.0;
        foreach (var (seconds, longitudinal, yawRate) in _pieces)
        {
            var end = t + seconds;
            for (; t < end - 1e-9; t += Step)
            {
                // Centripetal acceleration v·ω points left of the heading; speed follows the longitudinal acceleration.
                var lateral = speed * yawRate;
                var (sin, cos) = Math.SinCos(heading);
                var east = (longitudinal * cos) - (lateral * sin);
                var north = (longitudinal * sin) + (lateral * cos);
                speed = Math.Max(0, speed + (longitudinal * Step));
                heading += yawRate * Step;
                if (_gaps.Exists(g => t >= g.Start && t < g.End))
                {
                    continue;
                }

                var timeNs = StartNs + (long)Math.Round(t * 1e9);
                recording.Accelerometer.Add(timeNs, (float)(east + Noise(0.15)), (float)(north + Noise(0.15)), (float)(9.81 + Noise(0.3)));
                recording.Gyroscope.Add(timeNs, (float)Noise(0.01), (float)Noise(0.01), (float)(yawRate + yawBias + Noise(0.01)));
            }
        }

        return recording;
    }

    public static long Ns(double seconds) => 1_773_648_000_000_000_000 + (long)Math.Round(seconds * 1e9);
}
