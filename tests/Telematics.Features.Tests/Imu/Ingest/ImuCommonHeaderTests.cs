using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

/// <summary>The default layout reads the headers real loggers write, and says what it found when it cannot.</summary>
public sealed class ImuCommonHeaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-header-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Without_a_time_column_the_sensor_event_clock_is_preferred_over_the_wall_clock()
    {
        WriteSensorsOnBothClocks();
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal([3_600_000_000_000L, 3_600_020_000_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.False(recording.IsEpochTime);
    }

    [Fact]
    public async Task Where_the_times_must_be_UTC_the_wall_clock_is_read_beside_the_sensor_clock()
    {
        WriteSensorsOnBothClocks();
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth), new ImuReaderOptions { PreferWallClock = true }).ReadDirectoryAsync(_root, recording);

        Assert.Equal([1_773_648_000_000_000_000L, 1_773_648_000_020_000_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.True(recording.IsEpochTime);
    }

    [Fact]
    public async Task A_file_with_only_a_wall_clock_makes_the_whole_recording_read_by_its_wall_clock()
    {
        // The sensor clock counts from boot: a GPS file without it could not share it, so both are read by the wall clock.
        WriteSensorsOnBothClocks();
        Write("gps.csv", "timestamp,latitude,longitude,speed\n1773648000000,50.1,14.4,10\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.True(recording.IsEpochTime);
        Assert.Equal(1_773_648_000_020_000_000L, recording.Gyroscope.TimeNs[1]);
        Assert.Equal(1_773_648_000_000_000_000L, recording.Gps.TimeNs[0]);
    }

    [Fact]
    public async Task A_file_without_readings_does_not_choose_the_recordings_clock()
    {
        // A header-only GPS file has no clock to share: the recording keeps the sensor clock, as VoteClock would.
        WriteSensorsOnBothClocks();
        Write("gps.csv", "timestamp,latitude,longitude,speed\n\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.False(recording.IsEpochTime);
        Assert.Equal(3_600_020_000_000L, recording.Gyroscope.TimeNs[1]);
    }

    [Theory]
    [InlineData("timestamp")]
    [InlineData("seconds_elapsed")]
    [InlineData("t")]
    public async Task Common_time_columns_and_axes_with_units_in_the_header_are_read(string timeColumn)
    {
        var (first, second) = timeColumn == "timestamp" ? ("1773648000000", "1773648000020") : ("0.00", "0.02");
        Write("accelerometer.csv", $"{timeColumn},X (m/s^2),Y (m/s^2),Z (m/s^2)\n{first},0.1,0.2,9.8\n{second},0.1,0.2,9.8\n");
        Write("gyroscope.csv", $"{timeColumn},x [rad/s],y [rad/s],z [rad/s]\n{first},0,0,0.01\n{second},0,0,0.01\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(2, recording.Accelerometer.Count);
        Assert.Equal(0.2f, recording.Accelerometer.Y[0]);
        Assert.Equal(0.01f, recording.Gyroscope.Z[1]);
        Assert.Equal(20_000_000L, recording.Accelerometer.TimeNs[1] - recording.Accelerometer.TimeNs[0]);
    }

    [Fact]
    public async Task A_mapping_that_names_its_time_column_gets_no_other()
    {
        var mapping = ImuMapping.FromJson("""{ "time": { "column": "when" }, "files": [ { "name": "a.csv", "accelerometer": {}, "gyroscope": { "x": "gx", "y": "gy", "z": "gz" } } ] }""");
        Write("a.csv", "timestamp,x,y,z,gx,gy,gz\n1773648000000,0,0,9.8,0,0,0\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(mapping).ReadMergedFileAsync(Path.Combine(_root, "a.csv"), new ImuRecording()).AsTask());

        Assert.Contains("no time column 'when'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'timestamp', 'x', 'y', 'z', 'gx', 'gy', 'gz'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_of_one_field_with_semicolons_suggests_the_separator()
    {
        Write("accelerometer.csv", "time;x;y;z\n1773648000000;0;0;9,8\n");
        Write("gyroscope.csv", "time,x,y,z\n1773648000000,0,0,0\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Contains("'time;x;y;z'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"separator\": \";\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_times_read_the_day_first_wall_clock()
    {
        Write("accelerometer.csv", "time,x,y,z\n16/03/2026 08:00:00.000,0,0,9.8\n16/03/2026 08:00:00.020,0,0,9.8\n");
        Write("gyroscope.csv", "time,x,y,z\n16/03/2026 08:00:00,0,0,0\n16/03/2026 08:00:01,0,0,0\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.True(recording.IsEpochTime);
        Assert.Equal([1_773_648_000_000_000_000L, 1_773_648_000_020_000_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal(1_773_648_000_000_000_000L, recording.Gyroscope.TimeNs[0]);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);

    // Accelerometer and gyroscope files with both a wall clock (timestamp, ms) and the sensor clock (uptimeNanos), 20 ms apart.
    private void WriteSensorsOnBothClocks()
    {
        Write("accelerometer.csv", "timestamp,uptimeNanos,x,y,z\n1773648000000,3600000000000,0,0,9.8\n1773648000020,3600020000000,0,0,9.8\n");
        Write("gyroscope.csv", "timestamp,uptimeNanos,x,y,z\n1773648000000,3600000000000,0,0,0\n1773648000020,3600020000000,0,0,0\n");
    }
}
