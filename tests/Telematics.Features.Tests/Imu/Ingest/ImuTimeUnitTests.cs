using System.Globalization;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuTimeUnitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-unit-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Json_text_that_kept_its_byte_order_mark_reads_as_without_it()
    {
        var mapping = ImuMapping.FromJson("\uFEFF" + """{ "time": { "column": "t" }, "files": [ { "name": "m.csv", "accelerometer": {}, "gyroscope": { "x": "gx", "y": "gy", "z": "gz" }, "gps": {} } ] }""");

        Assert.Equal("m.csv", Assert.Single(mapping.Files).Name);
    }

    [Fact]
    public async Task A_1_Hz_gps_file_takes_the_unit_of_the_sensors_sharing_its_time_column()
    {
        // Elapsed seconds: the sensors' 0.02 s spacing fits only s, the GPS's 1.0 alone fits ms as well.
        Write("accelerometer.csv", Sensor(0.02, "0,0,9.8"));
        Write("gyroscope.csv", Sensor(0.02, "0,0,0"));
        Write("gps.csv", "time,latitude,longitude,speed\n0.5,52.5,13.4,10\n1.5,52.5001,13.4,10\n2.5,52.5002,13.4,10\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal([500_000_000L, 1_500_000_000L, 2_500_000_000L], recording.Gps.TimeNs.ToArray());
        Assert.Equal(20_000_000L, recording.Accelerometer.TimeNs[1]);
        Assert.False(recording.IsEpochTime);
    }

    [Fact]
    public async Task A_merged_file_gives_its_gps_columns_the_unit_of_its_sensors()
    {
        var mapping = ImuMapping.FromJson("""{ "time": { "column": "t" }, "files": [ { "name": "m.csv", "accelerometer": {}, "gyroscope": { "x": "gx", "y": "gy", "z": "gz" }, "gps": {} } ] }""");
        var text = new StringBuilder("t,x,y,z,gx,gy,gz,latitude,longitude,speed\n");
        for (var i = 0; i < 150; i++)
        {
            var fix = i % 50 == 0 ? "52.5,13.4,10" : ",,";
            text.Append(CultureInfo.InvariantCulture, $"{i * 0.02:F2},0,0,9.8,0,0,0,{fix}\n");
        }

        Write("m.csv", text.ToString());
        var recording = new ImuRecording();

        await new ImuLogReader(mapping).ReadMergedFileAsync(Path.Combine(_root, "m.csv"), recording);

        Assert.Equal([0L, 1_000_000_000L, 2_000_000_000L], recording.Gps.TimeNs.ToArray());
    }

    [Fact]
    public async Task Series_of_one_time_column_in_different_units_are_refused_naming_both_files()
    {
        // Sensors in Unix ms, GPS in Unix s: read in ms, the fixes would be 1 ms apart.
        Write("accelerometer.csv", Sensor(20, "0,0,9.8", 1_773_648_000_000));
        Write("gyroscope.csv", Sensor(20, "0,0,0", 1_773_648_000_000));
        Write("gps.csv", "time,latitude,longitude,speed\n1773648000,52.5,13.4,10\n1773648001,52.5001,13.4,10\n1773648002,52.5002,13.4,10\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Equal("gps.csv:time", error.Field);
        Assert.Contains("'accelerometer.csv'", error.Message, StringComparison.Ordinal);
        Assert.Contains("in ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_read_file_by_file_is_not_analysed_before_it_is_completed()
    {
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth));
        var recording = new ImuRecording();
        await reader.ReadFileAsync(System.IO.Pipelines.PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(Sensor(0.02, "0,0,0")))), new ImuFileMapping { Name = "gyroscope.csv", Gyroscope = new() }, recording);

        var error = Assert.Throws<ArgumentException>(() => new PhoneTripAnalyzer().Analyze(recording, []));

        Assert.Contains("ImuLogReader.Complete", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nanoseconds_counted_from_zero_read_past_the_first_nine_seconds()
    {
        // 40 s at 20 Hz: the first number (0) leaves room for nine decimals, which a number past 9.2 s no longer fits.
        Write("accelerometer.csv", Integers(50_000_000, 800, "0,0,9.8"));
        Write("gyroscope.csv", Integers(50_000_000, 800, "0,0,0"));
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(800, recording.Accelerometer.Count);
        Assert.Equal(50_000_000L, recording.Accelerometer.TimeNs[1]);
        Assert.Equal(799 * 50_000_000L, recording.Accelerometer.TimeNs[^1]);
        Assert.Equal(799 * 50_000_000L, recording.Gyroscope.TimeNs[^1]);
        Assert.False(recording.IsEpochTime);
    }

    private static string Integers(long step, int count, string axes)
    {
        var text = new StringBuilder("time,x,y,z\n");
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i * step},{axes}\n");
        }

        return text.ToString();
    }

    private static string Sensor(double step, string axes, double start = 0)
    {
        var text = new StringBuilder("time,x,y,z\n");
        for (var i = 0; i < 150; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{start + (i * step):0.###},{axes}\n");
        }

        return text.ToString();
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
