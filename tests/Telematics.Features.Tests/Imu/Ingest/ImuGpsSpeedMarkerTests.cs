using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuGpsSpeedMarkerTests
{
    private const string Fixes = "time,latitude,longitude,speed\n1773648000000000000,52.5,13.4,-1\n1773648001000000000,52.5001,13.4,12.5\n";

    [Fact]
    public async Task A_speed_marker_of_the_mapping_reads_as_no_speed()
    {
        var file = new ImuFileMapping { Name = "gps.csv", Gps = new() { SpeedMissingValues = ["-1"] } };
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadFileAsync(Input(Fixes), file, recording);

        Assert.Equal(2, recording.Gps.Count);
        Assert.True(float.IsNaN(recording.Gps.SpeedMps[0]));
        Assert.Equal(12.5f, recording.Gps.SpeedMps[1]);
    }

    [Fact]
    public async Task Without_a_marker_a_negative_speed_is_a_bad_record()
    {
        var file = new ImuFileMapping { Name = "gps.csv", Gps = new() };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadFileAsync(Input(Fixes), file, new ImuRecording()).AsTask());

        Assert.Equal("gps.csv:speed", error.Field);
    }

    [Fact]
    public void The_marker_is_read_from_json()
    {
        var mapping = ImuMapping.FromJson("""{ "files": [ { "name": "Location.csv", "gps": { "speed_missing_values": ["-1"] } } ] }""");

        Assert.Equal(["-1"], mapping.Files[0].Gps!.SpeedMissingValues);
    }

    private static PipeReader Input(string text) => PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)));
}
