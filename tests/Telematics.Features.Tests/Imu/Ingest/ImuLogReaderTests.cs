using System.IO.Pipelines;
using System.Text;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuLogReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imu-reader-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Per_sensor_files_fill_their_series_with_times_in_nanoseconds()
    {
        Write("accelerometer.csv", "time,x,y,z\n1773648000000.5,0.1,0.2,9.8\n1773648000020.5,0.3,-0.2,9.7\n");
        Write("gyroscope.csv", "\uFEFFtime,x,y,z\r\n1773648000001,0.01,0.02,0.03\r\n");
        Write("magnetometer.csv", "time,x,y,z\n1773648000001.23456,20,-5,40\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(SensorFrame.Earth, recording.Frame);
        Assert.True(recording.IsEpochTime);
        Assert.Equal([1_773_648_000_000_500_000L, 1_773_648_000_020_500_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal([0.3f], recording.Accelerometer.X[1..].ToArray());
        Assert.Equal(1, recording.Gyroscope.Count);
        Assert.Equal(0.03f, recording.Gyroscope.Z[0]);
        Assert.Equal(1_773_648_000_001_234_560L, recording.Magnetometer.TimeNs[0]);
        Assert.Equal(0, recording.LinearAcceleration.Count);
    }

    [Theory]
    [InlineData("3600000000000", "3600020000000", 3_600_000_000_000L, 20_000_000L, false)]  // since-boot ns after an hour: looks like Unix ms by size
    [InlineData("1773648000000", "1773648000020", 1_773_648_000_000_000_000L, 20_000_000L, true)]  // Unix ms
    [InlineData("1773648000.00", "1773648000.02", 1_773_648_000_000_000_000L, 20_000_000L, true)]  // Unix s
    [InlineData("12.50", "12.52", 12_500_000_000L, 20_000_000L, false)]  // seconds elapsed
    public async Task Numeric_times_of_unknown_unit_are_told_by_their_spacing(string first, string second, long firstNs, long stepNs, bool epoch)
    {
        Write("accelerometer.csv", $"time,x,y,z\n{first},0,0,9.8\n{second},0,0,9.8\n");
        Write("gyroscope.csv", $"time,x,y,z\n{first},0,0,0\n{second},0,0,0\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal([firstNs, firstNs + stepNs], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal(epoch, recording.IsEpochTime);
    }

    [Fact]
    public async Task Readings_stamped_to_the_whole_second_are_spread_evenly_up_to_the_next_stamp()
    {
        var mapping = Mapping("""{ "time": { "column": "t", "format": "pattern", "pattern": "dd/MM/yyyy HH:mm:ss", "utc_offset": "01:00:00" }, "files": [ { "name": "a.csv", "accelerometer": {}, "gyroscope": { "x": "gx", "y": "gy", "z": "gz" } } ] }""");
        Write("a.csv", "t,x,y,z,gx,gy,gz\n16/03/2026 09:00:00,0,0,9.8,0,0,0\n16/03/2026 09:00:00,0,0,9.8,0,0,0\n16/03/2026 09:00:00,0,0,9.8,0,0,0\n16/03/2026 09:00:00,0,0,9.8,0,0,0\n16/03/2026 09:00:01,0,0,9.8,0,0,0\n16/03/2026 09:00:01,0,0,9.8,0,0,0\n");
        var recording = new ImuRecording();

        await new ImuLogReader(mapping).ReadMergedFileAsync(Path.Combine(_root, "a.csv"), recording);

        const long Start = 1_773_648_000_000_000_000;
        Assert.Equal([Start, Start + 250_000_000, Start + 500_000_000, Start + 750_000_000, Start + 1_000_000_000, Start + 1_250_000_000], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal(6, recording.Gyroscope.Count);
    }

    [Fact]
    public async Task A_merged_file_in_g_and_degrees_fills_each_sensor_from_its_columns_and_leaves_out_empty_ones()
    {
        var mapping = Mapping("""
            {
              "frame": "device", "acceleration_unit": "g", "rotation_unit": "deg_s", "separator": ";",
              "time": { "column": "elapsed", "format": "elapsed_s" },
              "files": [ { "name": "trip.csv", "accelerometer": { "x": "ax", "y": "ay", "z": "az" }, "gyroscope": { "x": "gx", "y": "gy", "z": "gz" } } ]
            }
            """);
        Write("trip.csv", "elapsed;ax;ay;az;gx;gy;gz;note\n0.00;0;0;1;;;;start\n0.01;;;;0;0;90;\n0.02;0.5;0;1;180;0;0;\n");
        var recording = new ImuRecording();

        await new ImuLogReader(mapping).ReadMergedFileAsync(Path.Combine(_root, "trip.csv"), recording);

        Assert.False(recording.IsEpochTime);
        Assert.Equal([0L, 20_000_000L], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal(9.80665f, recording.Accelerometer.Z[0], 4);
        Assert.Equal(0.5f * 9.80665f, recording.Accelerometer.X[1], 4);
        Assert.Equal([10_000_000L, 20_000_000L], recording.Gyroscope.TimeNs.ToArray());
        Assert.Equal(MathF.PI / 2, recording.Gyroscope.Z[0], 4);
    }

    [Fact]
    public async Task A_bad_record_is_skipped_and_reported_by_line_and_file_column()
    {
        Write("accelerometer.csv", "time,x,y,z\n1000000000000000000,0,0,9.8\n999000000000000000,0,0,9.8\n1000000000020000000,0,,9.8\n1000000000040000000,0,0,900\n1000000000060000000,0,0,9.8\n");
        Write("gyroscope.csv", "time,x,y,z\n1000000000000000000,0,0,0\n");
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device), new ImuReaderOptions { BadRecords = BadRecordHandling.SkipAndReport });
        var recording = new ImuRecording();

        await reader.ReadDirectoryAsync(_root, recording);

        Assert.Equal(2, recording.Accelerometer.Count);
        Assert.Equal(3, reader.Report.RejectedCount);
        Assert.Equal((3L, "accelerometer.csv:time"), (reader.Report.Errors[0].Record, reader.Report.Errors[0].Field));
        Assert.Contains("time goes backwards", reader.Report.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal((4L, "accelerometer.csv:y"), (reader.Report.Errors[1].Record, reader.Report.Errors[1].Field));
        Assert.Equal((5L, "accelerometer.csv:z"), (reader.Report.Errors[2].Record, reader.Report.Errors[2].Field));
    }

    [Fact]
    public async Task A_small_step_back_in_time_drops_its_reading_with_a_warning_and_a_large_one_still_refuses()
    {
        // Android's batches can step back by milliseconds at a seam; the recording is whole apart from that reading.
        Write("accelerometer.csv", "time,x,y,z\n1773648000000,0,0,9.8\n1773648000020,0,0,9.8\n1773648000015,0,0,9.8\n1773648000040,0,0,9.8\n");
        Write("gyroscope.csv", "time,x,y,z\n1773648000000,0,0,0\n1773648000020,0,0,0\n");
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth));
        var recording = new ImuRecording();

        await reader.ReadDirectoryAsync(_root, recording);

        Assert.Equal([1_773_648_000_000_000_000L, 1_773_648_000_020_000_000L, 1_773_648_000_040_000_000L], recording.Accelerometer.TimeNs.ToArray());
        var warning = Assert.Single(reader.Warnings);
        Assert.Equal((4L, "accelerometer.csv:time"), (warning.Record, warning.Field));
        Assert.Contains("time steps back 5.0 ms", warning.Reason, StringComparison.Ordinal);

        Write("accelerometer.csv", "time,x,y,z\n1773648000000,0,0,9.8\n1773648002000,0,0,9.8\n1773648000500,0,0,9.8\n");
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());
        Assert.Contains("time goes backwards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_of_other_file_names_is_refused_naming_what_was_looked_for_and_what_is_there()
    {
        Write("acelerometro_terra.csv", "timestamp,uptimeNanos,x,y,z\n13/09/2016 14:01:02,6393000261913,0.1,0.2,9.7\n");
        Write("giroscopio_terra.csv", "timestamp,uptimeNanos,x,y,z\n13/09/2016 14:01:02,6393000261913,0,0,0.01\n");

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Contains("(accelerometer.csv, linear_acceleration.csv, gyroscope.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("it holds acelerometro_terra.csv, giroscopio_terra.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("a mapping that names its files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gps_file_gives_fixes_with_speed_or_without_it()
    {
        Write("accelerometer.csv", "time,x,y,z\n1773648000000,0,0,9.8\n1773648000020,0,0,9.8\n");
        Write("gyroscope.csv", "time,x,y,z\n1773648000000,0,0,0\n1773648000020,0,0,0\n");
        Write("gps.csv", "time,latitude,longitude,speed,accuracy\n1773648000000,52.5,13.4,12.5,4\n1773648001000,52.5001,13.4,,4\n1773648002000,52.5002,13.4,-1,4\n");
        var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth), new ImuReaderOptions { BadRecords = BadRecordHandling.SkipAndReport });
        var recording = new ImuRecording();

        await reader.ReadDirectoryAsync(_root, recording);

        Assert.Equal([1_773_648_000_000_000_000L, 1_773_648_001_000_000_000L], recording.Gps.TimeNs.ToArray());
        Assert.Equal(12.5f, recording.Gps.SpeedMps[0]);
        Assert.True(float.IsNaN(recording.Gps.SpeedMps[1]));
        Assert.Equal(52.5001, recording.Gps.LatitudeDeg[1]);
        Assert.Equal((4L, "gps.csv:speed"), (reader.Report.Errors[0].Record, reader.Report.Errors[0].Field));
    }

    [Fact]
    public async Task Plain_decimals_and_padded_or_exponent_forms_read_the_same_values()
    {
        var plain = await ReadOne("time,x,y,z\n1773648000000,0.123456789,-1.5,9.80665\n1773648000020,1e-3,2,3\n");
        var padded = await ReadOne("time,x,y,z\n 1773648000000 , 0.123456789 ,-1.5e0,9.80665\n1773648000020,0.001 ,2.0,3\n");

        Assert.Equal(plain.TimeNs.ToArray(), padded.TimeNs.ToArray());
        Assert.Equal(plain.X.ToArray(), padded.X.ToArray());
        Assert.Equal(plain.Y.ToArray(), padded.Y.ToArray());
        Assert.Equal(plain.Z.ToArray(), padded.Z.ToArray());
    }

    private static async Task<ImuSeries> ReadOne(string text)
    {
        var recording = new ImuRecording();
        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadFileAsync(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text))), new ImuFileMapping { Name = "a", Accelerometer = new() }, recording);
        return recording.Accelerometer;
    }

    [Fact]
    public async Task Files_are_found_whatever_the_logger_did_to_case_spaces_and_punctuation()
    {
        Write("Accelerometer.csv", "time,x,y,z\n1773648000000,0,0,9.8\n1773648000020,0,0,9.8\n");
        Write("Gyroscope.CSV", "time,x,y,z\n1773648000000,0,0,0\n1773648000020,0,0,0\n");
        Write("Linear Acceleration.csv", "time,x,y,z\n1773648000000,0,0,0\n");
        var recording = new ImuRecording();

        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Earth)).ReadDirectoryAsync(_root, recording);

        Assert.Equal(2, recording.Accelerometer.Count);
        Assert.Equal(2, recording.Gyroscope.Count);
        Assert.Equal(1, recording.LinearAcceleration.Count);
    }

    [Fact]
    public async Task A_header_without_a_mapped_column_is_refused_by_name()
    {
        // Not "timestamp": that is one of the common time columns the default layout falls back to.
        Write("accelerometer.csv", "when,x,y,z\n1,0,0,9.8\n");
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadDirectoryAsync(_root, new ImuRecording()).AsTask());

        Assert.Equal("time", error.Field);
        Assert.Contains("accelerometer.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("'when', 'x', 'y', 'z'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapping_with_an_unknown_property_is_refused_naming_its_line()
    {
        var error = Assert.Throws<TelematicsFormatException>(() => ImuMapping.FromJson("{\n  \"frame\": \"earth\",\n  \"frmae\": 1,\n  \"files\": [] }"));

        Assert.Equal(3, error.Record);
    }

    [Theory]
    [InlineData("docs/mappings/android-earth-per-sensor.json", SensorFrame.Earth, 4)]
    [InlineData("docs/mappings/phone-merged-ios.json", SensorFrame.Device, 1)]
    public void The_documented_phone_mappings_load(string path, SensorFrame frame, int files)
    {
        var mapping = ImuMapping.Load(SharedData.RepositoryFile(path));

        Assert.Equal(frame, mapping.Frame);
        Assert.Equal(files, mapping.Files.Count);
    }

    [Fact]
    public void A_mapping_round_trips_through_json()
    {
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Earth);
        mapping.Time.Format = ImuTimeFormat.MonotonicNs;

        var back = ImuMapping.FromJson(mapping.ToJson());

        Assert.Equal(SensorFrame.Earth, back.Frame);
        Assert.Equal(ImuTimeFormat.MonotonicNs, back.Time.Format);
        Assert.Equal(5, back.Files.Count);
        Assert.Contains("\"monotonic_ns\"", mapping.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lines_split_across_pipe_segments_read_as_when_whole()
    {
        var text = new StringBuilder("time,x,y,z\n");
        for (var i = 0; i < 500; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{1_000_000_000_000_000_000L + (i * 20_000_000L)},{i * 0.01:F2},{-i * 0.02:F2},9.81\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var whole = new ImuRecording();
        await new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadFileAsync(PipeReader.Create(new MemoryStream(bytes)), new ImuFileMapping { Name = "a", Accelerometer = new() }, whole);

        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16, pauseWriterThreshold: 0));
        var chunked = new ImuRecording();
        var reading = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device)).ReadFileAsync(pipe.Reader, new ImuFileMapping { Name = "a", Accelerometer = new() }, chunked).AsTask();
        for (var at = 0; at < bytes.Length; at += 7)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(7, bytes.Length - at)));
        }

        await pipe.Writer.CompleteAsync();
        await reading;

        Assert.Equal(500, chunked.Accelerometer.Count);
        Assert.Equal(whole.Accelerometer.TimeNs.ToArray(), chunked.Accelerometer.TimeNs.ToArray());
        Assert.Equal(whole.Accelerometer.Y.ToArray(), chunked.Accelerometer.Y.ToArray());
    }

    [Fact]
    public async Task A_semicolon_file_with_decimal_commas_is_read_when_the_mapping_says_so()
    {
        // phyphox's and spreadsheets' export in many locales: ';' between fields, ',' before the decimals.
        Write("Accelerometer.csv", "\"Time (s)\";\"X (m/s^2)\";\"Y (m/s^2)\";\"Z (m/s^2)\"\n0,000000000E0;1,25;-0,5;9,81\n2,0E-2;1,5;-0,25;9,79\n");
        Write("Gyroscope.csv", "\"Time (s)\";\"X (rad/s)\";\"Y (rad/s)\";\"Z (rad/s)\"\n0,000000000E0;0;0;0,125\n");
        var mapping = Mapping("""
            { "frame": "device", "separator": ";", "decimal_separator": ",", "time": { "column": "Time (s)", "format": "elapsed_s" },
              "files": [ { "name": "Accelerometer.csv", "accelerometer": { "x": "X (m/s^2)", "y": "Y (m/s^2)", "z": "Z (m/s^2)" } },
                         { "name": "Gyroscope.csv", "gyroscope": { "x": "X (rad/s)", "y": "Y (rad/s)", "z": "Z (rad/s)" } } ] }
            """);
        var recording = new ImuRecording();

        await new ImuLogReader(mapping).ReadDirectoryAsync(_root, recording);

        Assert.Equal([0L, 20_000_000], recording.Accelerometer.TimeNs.ToArray());
        Assert.Equal([1.25f, 1.5f], recording.Accelerometer.X.ToArray());
        Assert.Equal([9.81f, 9.79f], recording.Accelerometer.Z.ToArray());
        Assert.Equal(0.125f, recording.Gyroscope.Z[0]);
    }

    [Theory]
    [InlineData("{ \"decimal_separator\": \",\" }", "is also the field separator")]
    [InlineData("{ \"decimal_separator\": \";\", \"separator\": \"\\t\" }", "is not a decimal separator")]
    public void A_decimal_separator_that_cannot_work_is_refused_by_name(string json, string reason)
    {
        var error = Assert.Throws<TelematicsFormatException>(() => Mapping(json));

        Assert.Equal("decimal_separator", error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1 << 20)] // the whole file in one segment
    [InlineData(7)]       // a few bytes at a time: the long line straddles segments
    public async Task A_line_over_the_limit_stops_the_read_at_that_line_however_the_input_arrives(int chunk)
    {
        var text = "time,x,y,z\n1000000000000000000,0,0,9.8\n1000000000020000000,0,0,9.8" + new string(' ', 5000) + "\n1000000000040000000,0,0,9.8\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16, pauseWriterThreshold: 0));
        var reading = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device))
            .ReadFileAsync(pipe.Reader, new ImuFileMapping { Name = "a", Accelerometer = new() }, new ImuRecording()).AsTask();
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
        }

        await pipe.Writer.CompleteAsync();
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => reading);

        Assert.Equal(3, error.Record);
        Assert.Contains("longer than 4096 bytes", error.Reason, StringComparison.Ordinal);
    }

    private static ImuMapping Mapping(string json) => ImuMapping.FromJson(json);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);
}
