using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuElapsedTimeTests
{
    private static readonly ImuFileMapping Gyroscope = new() { Name = "gyroscope.csv", TimeColumn = "seconds_elapsed", Gyroscope = new() };

    [Theory]
    [InlineData(ImuTimeFormat.ElapsedS)]
    [InlineData(ImuTimeFormat.Auto)]
    public async Task Negative_elapsed_seconds_keep_their_sign_below_one_second_too(ImuTimeFormat format)
    {
        // Sensor Logger writes readings buffered before the recording started at negative seconds_elapsed.
        var recording = await Read(format, "time,seconds_elapsed,z,y,x\n1,-1.0123,0,0,0\n2,-0.0123,0,0,0\n3,-0.0023,0,0,0\n4,0.0077,0,0,0\n5,0.0177,0,0,0\n");

        Assert.False(recording.IsEpochTime);
        Assert.Equal([-1_012_300_000L, -12_300_000L, -2_300_000L, 7_700_000L, 17_700_000L], recording.Gyroscope.TimeNs.ToArray());
    }

    [Fact]
    public async Task A_negative_unix_time_is_refused()
    {
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Device);
        mapping.Time.Format = ImuTimeFormat.UnixS;

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(mapping).ReadFileAsync(Input("seconds_elapsed,x,y,z\n-0.5,0,0,0\n"), Gyroscope, new ImuRecording()).AsTask());

        Assert.Equal("gyroscope.csv:seconds_elapsed", error.Field);
    }

    private static async Task<ImuRecording> Read(ImuTimeFormat format, string text)
    {
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Device);
        mapping.Time.Format = format;
        var reader = new ImuLogReader(mapping);
        var recording = new ImuRecording();
        await reader.ReadFileAsync(Input(text), Gyroscope, recording);
        reader.Complete(recording);
        return recording;
    }

    private static PipeReader Input(string text) => PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)));
}
