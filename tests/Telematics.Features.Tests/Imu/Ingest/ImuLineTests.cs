using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

/// <summary>How lines and fields are cut: old line ends, quoted numbers, and which file an over-long line is in.</summary>
public sealed class ImuLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-lines-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_line_longer_than_the_limit_names_its_file()
    {
        Write("accelerometer.csv", "time,x,y,z\n1773648000000000000,0,0,9.8\n1773648000020000000," + new string('1', 5000) + ",0,9.8\n");
        Write("gyroscope.csv", "time,x,y,z\n1773648000000000000,0,0,0\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Equal("accelerometer.csv", error.Field);
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_ended_by_a_carriage_return_alone_are_lines()
    {
        Write("accelerometer.csv", "time,x,y,z\r1773648000000000000,0,0,9.8\r1773648000020000000,0.1,0,9.8\r");
        Write("gyroscope.csv", "time,x,y,z\r\n1773648000000000000,0,0,0.01\r\n1773648000020000000,0,0,0.02\r\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(2, recording.Accelerometer.Count);
        Assert.Equal(0.1f, recording.Accelerometer.X[1]);
        Assert.Equal(2, recording.Gyroscope.Count);
    }

    [Fact]
    public async Task Quoted_numbers_and_times_are_read()
    {
        Write("accelerometer.csv", "\"time\",\"x\",\"y\",\"z\"\n\"1773648000000000000\",\"0.1\",\"-0.2\",\"9.8\"\n\"1773648000020000000\",\"0.1\",\"-0.2\",\"9.8\"\n");
        Write("gyroscope.csv", "time,x,y,z\n1773648000000000000,0,0,0\n1773648000020000000,0,0,0\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal([1_773_648_000_000_000_000L, 1_773_648_000_020_000_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal(-0.2f, recording.Accelerometer.Y[0]);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
