using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuRecordingClockTests : IDisposable
{
    // Since-boot nanoseconds after an hour's uptime, and Unix nanoseconds: one unit, two clocks.
    private const long BootNs = 3_600_000_000_000;
    private const long UnixNs = 1_773_648_000_000_000_000;

    private readonly string _root = Directory.CreateTempSubdirectory("imu-clock-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Monotonic_sensor_files_and_an_epoch_gps_file_are_refused_naming_both()
    {
        Write("accelerometer.csv", Rows(BootNs, 20_000_000, "0,0,9.8"));
        Write("gyroscope.csv", Rows(BootNs, 20_000_000, "0,0,0"));
        Write("gps.csv", "time,latitude,longitude,speed\n1773648000000000000,52.5,13.4,10\n1773648001000000000,52.5001,13.4,10\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Equal("gps.csv:time", error.Field);
        Assert.Contains("'accelerometer.csv' has times on a monotonic clock", error.Message, StringComparison.Ordinal);
        Assert.Contains("'gps.csv' has Unix (wall-clock) times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_readings_does_not_decide_the_clock()
    {
        Write("accelerometer.csv", Rows(BootNs, 20_000_000, "0,0,9.8"));
        Write("gyroscope.csv", Rows(BootNs, 20_000_000, "0,0,0"));
        Write("magnetometer.csv", "time,x,y,z\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.False(recording.IsEpochTime);
    }

    [Fact]
    public async Task Files_read_one_by_one_in_any_order_share_the_clock_of_the_first_with_readings()
    {
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth));
        var recording = new ImuRecording();
        await Read(reader, recording, new ImuFileMapping { Name = "gyroscope.csv", Gyroscope = new() }, Rows(BootNs, 20_000_000, "0,0,0"));
        await Read(reader, recording, new ImuFileMapping { Name = "accelerometer.csv", Accelerometer = new() }, Rows(UnixNs, 20_000_000, "0,0,9.8"));

        var error = Assert.Throws<TelematicsFormatException>(() => reader.Complete(recording));

        Assert.Contains("'gyroscope.csv'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'accelerometer.csv'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Epoch_files_make_an_epoch_recording()
    {
        Write("accelerometer.csv", Rows(UnixNs, 20_000_000, "0,0,9.8"));
        Write("gyroscope.csv", Rows(UnixNs, 20_000_000, "0,0,0"));
        Write("magnetometer.csv", "time,x,y,z\n");
        var recording = new ImuRecording { IsEpochTime = false };

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.True(recording.IsEpochTime);
    }

    private static async Task Read(ImuLogReader reader, ImuRecording recording, ImuFileMapping file, string text) =>
        await reader.ReadFileAsync(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text))), file, recording);

    private static string Rows(long start, long step, string axes)
    {
        var text = new StringBuilder("time,x,y,z\n");
        for (var i = 0; i < 50; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start + (i * step)},{axes}\n");
        }

        return text.ToString();
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
