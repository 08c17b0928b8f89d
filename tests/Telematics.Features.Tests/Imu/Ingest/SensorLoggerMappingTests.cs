using System.Globalization;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class SensorLoggerMappingTests : IDisposable
{
    private const long Start = 1_773_648_000_000_000_000;

    private readonly string _root = Directory.CreateTempSubdirectory("imu-sensor-logger-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_documented_mapping_reads_total_acceleration_as_the_accelerometer_and_accelerometer_as_linear()
    {
        Write("TotalAcceleration.csv", Axes(0.2, 9.7, 0.5));
        Write("Accelerometer.csv", Axes(0.01, -0.1, 0.2));
        Write("Gravity.csv", Axes(0.0, 9.8, 0.3));
        Write("Gyroscope.csv", Axes(0.0, 0.01, 0.02));
        Write("Location.csv", $"time,seconds_elapsed,speed,bearing,longitude,latitude\n{Start},0,-1,-1,13.4,52.5\n{Start + 1_000_000_000},1,12.5,90,13.4001,52.5\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.Load(SharedData.RepositoryFile("docs/mappings/sensor-logger.json"))).ReadDirectoryAsync(_root, recording);

        Assert.Equal(9.7f, recording.Accelerometer.Y[0], 3);
        Assert.Equal(-0.1f, recording.LinearAcceleration.Y[0], 3);
        Assert.Equal((0.2f, 0.5f), (recording.Accelerometer.X[0], recording.Accelerometer.Z[0]));
        Assert.True(recording.IsEpochTime);
        Assert.True(float.IsNaN(recording.Gps.SpeedMps[0]));
        Assert.Equal(12.5f, recording.Gps.SpeedMps[1]);
    }

    /// <summary>Sensor Logger's layout: time, seconds_elapsed, then the axes z, y, x; 100 readings at 50 Hz.</summary>
    private static string Axes(double x, double y, double z)
    {
        var text = new StringBuilder("time,seconds_elapsed,z,y,x\n");
        for (var i = 0; i < 100; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Start + (i * 20_000_000L)},{i * 0.02:F2},{z},{y},{x}\n");
        }

        return text.ToString();
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
