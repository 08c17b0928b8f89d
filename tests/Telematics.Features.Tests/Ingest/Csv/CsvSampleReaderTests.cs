using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

public sealed class CsvSampleReaderTests
{
    private const string Header = "timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,phone_interaction,event_id";

    private static Task<List<TelematicsSample>> Read(string csv, CsvColumnMapping? mapping = null, SampleReaderOptions? options = null, params int[] chunks) =>
        PipeInput.ReadAllAsync(CsvSampleReader.Create(PipeInput.Text(csv, chunks), mapping, options ?? ParseOnly.Options));

    [Fact]
    public async Task The_rest_of_a_record_cut_by_a_line_break_in_a_quoted_field_is_told_why()
    {
        var csv = "timestamp,lat,lon,note\n1566857847000,1,2,\"first\nsecond\"\n1566857848000,1,2,x\n";

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(csv));

        Assert.Equal(3, error.Record);
        Assert.Contains("a quote in it is unmatched, as when a quoted field holds a line break", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_mapping_reads_every_canonical_column()
    {
        var samples = await Read(Header + "\n1566857847000,-25.451837,-49.23446,13.5,249.7,-1.25,0.5,4.2,16.67,Primary,1,0,42\n");

        var s = Assert.Single(samples);
        Assert.Equal(1566857847000, s.TimestampUnixMs);
        Assert.Equal(-25.451837, s.LatitudeDeg);
        Assert.Equal(-49.23446, s.LongitudeDeg);
        Assert.Equal(13.5f, s.SpeedMps);
        Assert.Equal(249.7f, s.HeadingDeg);
        Assert.Equal(-1.25f, s.LongitudinalAccelMps2);
        Assert.Equal(0.5f, s.LateralAccelMps2);
        Assert.Equal(4.2f, s.GpsAccuracyM);
        Assert.Equal(16.67f, s.SpeedLimitMps);
        Assert.Equal(RoadClass.Primary, s.RoadClass);
        Assert.Equal(SampleFlags.PhoneHandheld, s.Flags);
        Assert.Equal(42, s.EventId);
    }

    [Fact]
    public async Task Empty_input_gives_no_samples_and_no_error()
    {
        Assert.Empty(await Read(string.Empty));
    }

    [Fact]
    public async Task Header_only_gives_no_samples()
    {
        Assert.Empty(await Read("timestamp,lat,lon\n"));
        Assert.Empty(await Read("timestamp,lat,lon"));
    }

    [Fact]
    public async Task Last_line_without_a_line_break_is_still_read()
    {
        var samples = await Read("timestamp,lat,lon\n1000,1,2\n2000,3,4");

        Assert.Equal([1000L, 2000], samples.Select(s => s.TimestampUnixMs));
    }

    [Fact]
    public async Task A_record_cut_mid_field_at_the_end_is_reported_with_its_line_and_field()
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lat,lon,speed_mps\n1000,1,2,3\n2000,3."));

        Assert.Equal(3, error.Record);
        Assert.Equal("speed_mps", error.Field);
        Assert.Contains("fields", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crlf_line_ends_and_a_byte_order_mark_are_accepted()
    {
        var samples = await Read("\uFEFFtimestamp,lat,lon,speed_mps\r\n1000,1,2,3\r\n2000,3,4,5\r\n");

        Assert.Equal([3f, 5f], samples.Select(s => s.SpeedMps));
    }

    [Fact]
    public async Task Quoted_fields_may_hold_the_separator_and_doubled_quotes()
    {
        var mapping = new CsvColumnMapping { RoadClass = new CsvRoadClassColumn("road") { Values = { ["Rua \"A\", norte"] = RoadClass.Residential } } };

        var samples = await Read("timestamp,\"lat\",lon,note,road\n1000,\"1.5\",2,\"x, \"\"y\"\"\",\"Rua \"\"A\"\", norte\"\n", mapping);

        var s = Assert.Single(samples);
        Assert.Equal(1.5, s.LatitudeDeg);
        Assert.Equal(RoadClass.Residential, s.RoadClass);
    }

    [Fact]
    public async Task An_unclosed_quote_is_a_bad_record_naming_the_column()
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lat,lon\n1000,\"1.5,2\n"));

        Assert.Equal(2, error.Record);
        Assert.Equal("lat", error.Field);
    }

    [Fact]
    public async Task Unknown_columns_are_ignored_surplus_fields_when_the_mapping_says_so_and_absent_optional_columns_are_missing()
    {
        // Surplus fields past the header are bad by default (RecordShapeTests); this mapping ignores them.
        var samples = await Read("foo,timestamp,lat,bar,lon\nx,1000,1,y,2,surplus,fields\n", new CsvColumnMapping { IgnoreExtraFields = true });

        var s = Assert.Single(samples);
        Assert.Equal(2.0, s.LongitudeDeg);
        Assert.True(float.IsNaN(s.SpeedMps));
        Assert.Equal(RoadClass.Unknown, s.RoadClass);
    }

    [Fact]
    public async Task A_header_without_latitude_is_rejected_even_when_skipping_bad_records()
    {
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lon\n1000,2\n", options: options));

        Assert.Equal(1, error.Record);
        Assert.Equal("lat", error.Field);
    }

    [Fact]
    public async Task A_record_with_fewer_fields_than_the_header_is_bad()
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lat,lon\n1000,1\n"));

        Assert.Equal(2, error.Record);
        Assert.Equal("lon", error.Field);
    }

    [Theory]
    [InlineData("1000,abc,2,3", "lat", "not a number")]
    [InlineData("1000,NaN,2,3", "lat", "not a finite number")]
    [InlineData("1000,1,Infinity,3", "lon", "not a finite number")]
    [InlineData("1000,90.5,2,3", "lat", "outside ±90 degrees")]
    [InlineData("1000,1,-180.01,3", "lon", "outside ±180 degrees")]
    [InlineData("1000,,2,3", "lat", "the value is missing")]
    [InlineData("yesterday,1,2,3", "timestamp", "the timestamp is not a valid Unix time in milliseconds or ISO-8601 date and time")]
    [InlineData("1000,1,2,fast", "speed_mps", "not a number")]
    public async Task Bad_values_name_the_line_the_field_and_the_reason(string record, string field, string reason)
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("timestamp,lat,lon,speed_mps\n1000,1,2,3\n" + record + "\n"));

        Assert.Equal(3, error.Record);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(record, error.Excerpt);
    }

    [Fact]
    public async Task Non_finite_optional_values_are_missing_unless_the_mapping_refuses_them()
    {
        const string csv = "timestamp,lat,lon,speed_mps\n1000,1,2,NaN\n2000,1,2,-Infinity\n";

        var samples = await Read(csv);
        Assert.All(samples, s => Assert.True(float.IsNaN(s.SpeedMps)));

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(csv, new CsvColumnMapping { NonFiniteAsMissing = false }));
        Assert.Equal("speed_mps", error.Field);
    }

    [Fact]
    public async Task Skip_mode_keeps_good_records_and_reports_bad_ones_with_line_field_and_excerpt()
    {
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport, MaxReportedErrors = 2 };
        await using var reader = CsvSampleReader.Create(PipeInput.Text("timestamp,lat,lon\n1000,1,2\n2000,95,2\n3000,x,2\n4000,1,2\n5000,1,\n"), options: options);
        var buffer = new SampleBuffer();

        await reader.ReadToEndAsync(buffer);

        Assert.Equal([1000L, 4000], buffer.TimestampUnixMs.ToArray());
        Assert.Equal(2, reader.Report.AcceptedCount);
        Assert.Equal(3, reader.Report.RejectedCount);
        Assert.True(reader.Report.IsTruncated);
        Assert.Equal(
            [new IngestError(3, "lat", "outside ±90 degrees", "2000,95,2"), new IngestError(4, "lat", "not a number", "3000,x,2")],
            reader.Report.Errors);
    }

    [Fact]
    public async Task Out_of_order_and_duplicate_timestamps_pass_through_in_file_order()
    {
        var samples = await Read("timestamp,lat,lon\n3000,1,2\n1000,1,2\n1000,1,2\n2000,1,2\n");

        Assert.Equal([3000L, 1000, 1000, 2000], samples.Select(s => s.TimestampUnixMs));
    }

    [Fact]
    public async Task A_record_split_byte_by_byte_across_pipe_segments_reads_the_same()
    {
        const string csv = Header + "\r\n1566857847000,-25.451837,-49.23446,13.5,249.7,,,,,Trunk,yes,no,7\r\n\"1566857848000\",-25.5,-49.2,\"1\"\"\",,,,,,,,,\n";
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };

        var whole = await Read(csv, options: options);
        var byteByByte = await Read(csv, options: options, chunks: 1);

        Assert.Single(whole);
        Assert.Equal(whole, byteByByte);
    }

    [Fact]
    public async Task Chunks_never_exceed_the_buffer_capacity_and_together_hold_every_record()
    {
        var csv = "timestamp,lat,lon\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},1,2\n"));
        await using var reader = CsvSampleReader.Create(PipeInput.Text(csv), options: ParseOnly.Options);
        var buffer = new SampleBuffer(4);
        var counts = new List<int>();

        ReadChunkResult chunk;
        do
        {
            chunk = await reader.ReadAsync(buffer);
            counts.Add(chunk.Count);
        }
        while (!chunk.IsCompleted);

        Assert.Equal(10, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 0, 4));
        Assert.Equal(4, buffer.Capacity);
    }

    [Fact]
    public async Task Units_decimal_comma_missing_tokens_flags_and_road_classes_follow_the_mapping()
    {
        var mapping = new CsvColumnMapping
        {
            Separator = '\t',
            DecimalSeparator = ',',
            MissingValues = ["NPI"],
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.UnixSeconds, Column = "t" },
            Speed = new CsvNumericColumn("kmh", MeasurementUnit.KilometresPerHour),
            SpeedLimit = new CsvNumericColumn("limit", MeasurementUnit.MilesPerHour),
            LongitudinalAcceleration = new CsvNumericColumn("g", MeasurementUnit.StandardGravity),
            PhoneHandheld = new CsvFlagColumn("phone") { TrueValues = ["Sim"], FalseValues = ["Não"] },
            RoadClass = new CsvRoadClassColumn("road") { Values = { ["EXTERNA"] = RoadClass.Primary } },
        };

        var samples = await Read("t\tlat\tlon\tkmh\tlimit\tg\tphone\troad\n1566857847,5\t-25,5\t-49,25\t36\t30\t-0,5\tSim\tEXTERNA\n1566857848\t-25,5\t-49,25\tNPI\tNPI\t\tNPI\tNPI\n", mapping);

        Assert.Equal(1566857847500, samples[0].TimestampUnixMs);
        Assert.Equal(-25.5, samples[0].LatitudeDeg);
        Assert.Equal(10f, samples[0].SpeedMps, 5);
        Assert.Equal(13.4112f, samples[0].SpeedLimitMps, 4);
        Assert.Equal(-4.903325f, samples[0].LongitudinalAccelMps2, 5);
        Assert.Equal(SampleFlags.PhoneHandheld, samples[0].Flags);
        Assert.Equal(RoadClass.Primary, samples[0].RoadClass);
        Assert.True(float.IsNaN(samples[1].SpeedMps));
        Assert.True(float.IsNaN(samples[1].SpeedLimitMps));
        // The only phone column holds the missing token: phone use not recorded at that sample.
        Assert.Equal(SampleFlags.PhoneUnknown, samples[1].Flags);
        Assert.Equal(RoadClass.Unknown, samples[1].RoadClass);
    }

    [Theory]
    [InlineData(TimestampFormat.UnixNanoseconds, "1764940800123456789", 1764940800123)]
    [InlineData(TimestampFormat.UnixNanoseconds, "1764940800123500000", 1764940800124)]
    [InlineData(TimestampFormat.UnixMicroseconds, "1764940800123499", 1764940800123)]
    [InlineData(TimestampFormat.UnixMicroseconds, "1764940800123500", 1764940800124)]
    public async Task Phone_logger_times_in_whole_micro_or_nanoseconds_are_rounded_to_the_millisecond(TimestampFormat format, string time, long expectedUnixMs)
    {
        var mapping = new CsvColumnMapping { Timestamp = new CsvTimestampMapping { Format = format, Column = "time" } };

        var samples = await Read($"time,lat,lon\n{time},48.1,11.5\n", mapping);

        Assert.Equal(expectedUnixMs, samples[0].TimestampUnixMs);
    }

    [Fact]
    public async Task A_nanosecond_time_that_is_not_an_integer_is_a_bad_record_naming_the_unit()
    {
        var mapping = new CsvColumnMapping { Timestamp = new CsvTimestampMapping { Format = TimestampFormat.UnixNanoseconds, Column = "time" } };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("time,lat,lon\n1764940800.5,48.1,11.5\n", mapping));

        Assert.Equal(2, error.Record); // the line, header included
        Assert.Equal("time", error.Field);
        Assert.Contains("nanoseconds", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2019-08-26T22:17:27Z", 1566857847000)]
    [InlineData("2019-08-26T22:17:27.25Z", 1566857847250)]
    [InlineData("2019-08-26 19:17:27-03:00", 1566857847000)]
    [InlineData("2019-08-26T23:17:27+0100", 1566857847000)]
    [InlineData("2019-08-26T22:17:27", 1566857847000)]
    [InlineData("1566857847000", 1566857847000)]
    public async Task Timestamps_are_read_as_iso_8601_or_unix_milliseconds(string timestamp, long expectedUnixMs)
    {
        var sample = Assert.Single(await Read($"timestamp,lat,lon\n{timestamp},1,2\n"));

        Assert.Equal(expectedUnixMs, sample.TimestampUnixMs);
    }

    [Fact]
    public async Task Date_and_time_columns_are_read_in_the_mapping_time_zone()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping
            {
                Format = TimestampFormat.DateAndTime,
                DateColumn = "day",
                DateFormat = "d/M/yyyy",
                TimeColumn = "clock",
                TimeFormat = "HH:mm:ss",
                TimeZone = "America/Sao_Paulo",
            },
        };

        var sample = Assert.Single(await Read("day,clock,lat,lon\n26/8/2019,19:17:27,1,2\n", mapping));

        Assert.Equal(DateTimeOffset.Parse("2019-08-26T22:17:27Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), sample.TimestampUnixMs);
    }

    [Fact]
    public async Task A_date_that_does_not_exist_is_a_bad_record_naming_the_date_column()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "day", DateFormat = "d/M/yyyy", TimeColumn = "clock" },
        };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("day,clock,lat,lon\n31/2/2019,10:00:00,1,2\n", mapping));

        Assert.Equal("day", error.Field);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_bad_and_reading_resumes_after_it()
    {
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport, MaxRecordBytes = 100 };
        var csv = "timestamp,lat,lon\n1000,1,2\n2000,1,2" + new string(',', 500) + "\n3000,1,2\n";
        await using var reader = CsvSampleReader.Create(PipeInput.Text(csv, 7), options: options);
        var buffer = new SampleBuffer();

        await reader.ReadToEndAsync(buffer);

        Assert.Equal([1000L, 3000], buffer.TimestampUnixMs.ToArray());
        Assert.Equal(3, Assert.Single(reader.Report.Errors).Record);
    }
}
