using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuUnitCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-units-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Sensor_loggers_accelerometer_without_gravity_in_the_gravity_slot_is_refused_as_linear_acceleration()
    {
        Write("Accelerometer.csv", Rows(0.05, 0.1, 0.12));
        Write("Gyroscope.csv", Rows(0.01, 0, 0));

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(ImuMapping.PerSensorFiles(SensorFrame.Device)));

        Assert.Equal("accelerometer.csv", error.Field);
        Assert.Contains("map it as linear_acceleration", error.Message, StringComparison.Ordinal);
        Assert.Contains("TotalAcceleration.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readings_in_g_read_as_m_s2_are_refused_naming_the_unit()
    {
        Write("accelerometer.csv", Rows(0.02, -0.03, 0.99));
        Write("gyroscope.csv", Rows(0.01, 0, 0));

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(ImuMapping.PerSensorFiles(SensorFrame.Device)));

        Assert.Contains("looks like g: set acceleration_unit to g", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readings_in_m_s2_read_as_g_are_refused_naming_the_unit()
    {
        Write("accelerometer.csv", Rows(0.2, 0.3, 9.8));
        Write("gyroscope.csv", Rows(0.01, 0, 0));
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Device);
        mapping.AccelerationUnit = ImuAccelerationUnit.G;

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(mapping));

        Assert.Contains("looks like m/s² read as g", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9.64)]
    [InlineData(9.78)]
    [InlineData(7.2)]
    [InlineData(12.8)]
    public async Task Acceleration_with_gravity_within_the_band_is_read(double z)
    {
        Write("accelerometer.csv", Rows(0.3, -0.2, z));
        Write("gyroscope.csv", Rows(0.01, 0, 0));
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(200, recording.Accelerometer.Count);
    }

    [Fact]
    public async Task An_earth_frame_recording_with_only_linear_acceleration_is_read()
    {
        Write("linear_acceleration.csv", Rows(0.05, 0.1, 0.02));
        Write("gyroscope.csv", Rows(0.01, 0, 0));
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(200, recording.LinearAcceleration.Count);
        Assert.Equal(0, recording.Accelerometer.Count);
    }

    [Fact]
    public async Task A_gyroscope_in_degrees_per_second_read_as_radians_is_refused_naming_the_unit_and_reads_once_mapped()
    {
        // A phone at rest in its holder: 1–3 °/s of noise and road pitch and roll.
        Write("accelerometer.csv", Rows(0.2, 0.3, 9.8));
        Write("gyroscope.csv", Rows(1.5, -1.0, 2.0));
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Device);

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(mapping));
        mapping.RotationUnit = ImuRotationUnit.DegS;
        var recording = new ImuRecording();
        await new ImuLogReader(mapping).ReadDirectoryAsync(_root, recording);

        Assert.Equal("gyroscope.csv", error.Field);
        Assert.Contains("looks like °/s: set rotation_unit to deg_s", error.Message, StringComparison.Ordinal);
        Assert.Equal(200, recording.Gyroscope.Count);
    }

    [Fact]
    public async Task A_gyroscope_turning_with_the_car_in_radians_per_second_is_read()
    {
        Write("accelerometer.csv", Rows(0.2, 0.3, 9.8));
        Write("gyroscope.csv", Rows(0.05, 0.02, 0.45));
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(200, recording.Gyroscope.Count);
    }

    [Fact]
    public async Task Files_read_one_by_one_are_judged_when_completed()
    {
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device));
        var recording = new ImuRecording();
        var file = new ImuFileMapping { Name = "accelerometer.csv", Accelerometer = new() };
        await reader.ReadFileAsync(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(Rows(0.05, 0.1, 0.12)))), file, recording);

        var error = Assert.Throws<TelematicsFormatException>(() => reader.Complete(recording));

        Assert.Contains("accelerometer.csv", error.Message, StringComparison.Ordinal);
    }

    /// <summary>200 readings at 50 Hz, Unix ms, the given axes with a little noise.</summary>
    private static string Rows(double x, double y, double z)
    {
        var text = new StringBuilder("time,x,y,z\n");
        for (var i = 0; i < 200; i++)
        {
            var noise = ((i * 7919) % 13 - 6) * 0.005;
            text.Append(CultureInfo.InvariantCulture, $"{1_773_648_000_000L + (i * 20)},{x + noise},{y - noise},{z + noise}\n");
        }

        return text.ToString();
    }

    private Task Read(ImuMapping mapping) => new ImuLogReader(mapping).ReadDirectoryAsync(_root, new ImuRecording()).AsTask();

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
