using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

/// <summary>A logger killed while writing leaves its last line cut off: that line alone must not refuse the recording.</summary>
public sealed class ImuCutOffLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-cut-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(BadRecordHandling.Reject)]
    [InlineData(BadRecordHandling.SkipAndReport)]
    public async Task A_malformed_last_line_without_a_line_end_is_skipped_with_a_warning(BadRecordHandling handling)
    {
        File.WriteAllText(Path.Combine(_root, "accelerometer.csv"), "time,x,y,z\n1773648000000000000,0.1,0.2,9.8\n1773648000020000000,0.1,0.2,9.8\n1773648000040000000,0.1");
        File.WriteAllText(Path.Combine(_root, "gyroscope.csv"), "time,x,y,z\n1773648000000000000,0,0,0\n1773648000020000000,0,0,0\n");
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth), new ImuReaderOptions { BadRecords = handling });
        var recording = new ImuRecording();

        await reader.ReadDirectoryAsync(_root, recording);

        Assert.Equal(2, recording.Accelerometer.Count);
        var warning = Assert.Single(reader.Warnings);
        Assert.Equal(4, warning.Record);
        Assert.StartsWith("accelerometer.csv", warning.Field, StringComparison.Ordinal);
        Assert.Contains("no line end", warning.Reason, StringComparison.Ordinal);
        Assert.Equal(0, reader.Report.RejectedCount);
    }

    [Fact]
    public async Task A_malformed_line_that_ends_with_a_line_break_is_still_refused()
    {
        File.WriteAllText(Path.Combine(_root, "accelerometer.csv"), "time,x,y,z\n1773648000000000000,0.1,0.2,9.8\n1773648000040000000,0.1\n");
        File.WriteAllText(Path.Combine(_root, "gyroscope.csv"), "time,x,y,z\n1773648000000000000,0,0,0\n");
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth));

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => reader.ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Contains("fewer fields", error.Message, StringComparison.Ordinal);
        Assert.Empty(reader.Warnings);
    }
}
