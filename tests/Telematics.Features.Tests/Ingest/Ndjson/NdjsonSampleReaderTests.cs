using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Ndjson;

public sealed class NdjsonSampleReaderTests
{
    private static Task<List<TelematicsSample>> Read(string ndjson, SampleReaderOptions? options = null, params int[] chunks) =>
        PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text(ndjson, chunks), options ?? ParseOnly.Options));

    [Fact]
    public async Task Every_canonical_field_is_read_and_unknown_properties_are_ignored()
    {
        var samples = await Read("""
            {"timestamp":1566857847000,"lat":-25.451837,"lon":-49.23446,"speed_mps":13.5,"heading_deg":249.7,"accel_lon_mps2":-1.25,"accel_lat_mps2":0.5,"gps_accuracy_m":4.2,"speed_limit_mps":16.67,"road_class":"primary","phone_handheld":true,"phone_interaction":false,"event_id":42,"extra":{"nested":[1,2,{"x":null}]}}
            """);

        var s = Assert.Single(samples);
        Assert.Equal(new TelematicsSample(1566857847000, -25.451837, -49.23446)
        {
            SpeedMps = 13.5f, HeadingDeg = 249.7f, LongitudinalAccelMps2 = -1.25f, LateralAccelMps2 = 0.5f, GpsAccuracyM = 4.2f,
            SpeedLimitMps = 16.67f, RoadClass = RoadClass.Primary, Flags = SampleFlags.PhoneHandheld, EventId = 42,
        }, s);
    }

    [Fact]
    public async Task Absent_and_null_optional_fields_are_missing()
    {
        var samples = await Read("{\"timestamp\":\"2019-08-26T22:17:27Z\",\"lat\":1,\"lon\":2,\"speed_mps\":null}\n");

        var s = Assert.Single(samples);
        Assert.Equal(1566857847000, s.TimestampUnixMs);
        Assert.True(float.IsNaN(s.SpeedMps));
        Assert.True(float.IsNaN(s.HeadingDeg));
    }

    [Fact]
    public async Task NaN_and_Infinity_as_Python_writes_them_are_missing_values_and_text_in_strings_is_kept()
    {
        var samples = await Read(
            "{\"timestamp\":1,\"lat\":1,\"lon\":2,\"speed_mps\":NaN,\"heading_deg\":Infinity,\"accel_lon_mps2\":-Infinity,\"note\":\"NaN, Infinity\"}\n" +
            "{\"timestamp\":2,\"lat\":1,\"lon\":2,\"speed_mps\":4.5}\n");

        Assert.Equal(2, samples.Count);
        Assert.True(float.IsNaN(samples[0].SpeedMps) && float.IsNaN(samples[0].HeadingDeg) && float.IsNaN(samples[0].LongitudinalAccelMps2));
        Assert.Equal(4.5f, samples[1].SpeedMps);
    }

    [Theory]
    [InlineData("{\"timestamp\":1,\"lat\":NaN,\"lon\":2}", "lat", "the value is missing")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2,\"speed_mps\":NaNa}", null, "not valid JSON")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2,\"speed_mps\":NaN", null, "not valid JSON")]
    public async Task A_required_figure_written_NaN_is_missing_and_a_record_that_is_not_JSON_stays_refused(string record, string? field, string reason)
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read(record + "\n"));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_input_and_blank_lines_give_no_samples()
    {
        Assert.Empty(await Read(string.Empty));
        Assert.Empty(await Read("\n\r\n\n"));
    }

    [Fact]
    public async Task Crlf_a_byte_order_mark_and_a_last_line_without_line_break_are_accepted()
    {
        var samples = await Read("\uFEFF{\"timestamp\":1,\"lat\":1,\"lon\":2}\r\n{\"timestamp\":2,\"lat\":1,\"lon\":2}");

        Assert.Equal([1L, 2], samples.Select(s => s.TimestampUnixMs));
    }

    [Theory]
    [InlineData("{\"timestamp\":1,\"lat\":91,\"lon\":2}", "lat", "outside ±90 degrees")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":\"2\"}", "lon", "not a number")]
    [InlineData("{\"timestamp\":1,\"lat\":1}", "lon", "the value is missing")]
    [InlineData("{\"lat\":1,\"lon\":2}", "timestamp", "the timestamp is missing")]
    [InlineData("{\"timestamp\":\"yesterday\",\"lat\":1,\"lon\":2}", "timestamp", "not an ISO-8601 date and time")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2,\"speed_mps\":1e999}", "speed_mps", "not a finite number")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2,\"road_class\":\"highway\"}", "road_class", "not a road class name")]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2,\"phone_handheld\":\"yes\"}", "phone_handheld", "not true, false or null")]
    [InlineData("[1,2,3]", null, "the line is not a JSON object")]
    public async Task Bad_records_name_the_line_and_the_field(string record, string? field, string reason)
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => Read("{\"timestamp\":1,\"lat\":1,\"lon\":2}\n" + record + "\n"));

        Assert.Equal(2, error.Record);
        Assert.Equal(field, error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_record_and_skip_mode_reads_on()
    {
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };
        await using var reader = NdjsonSampleReader.Create(PipeInput.Text("{\"timestamp\":1,\"lat\":1,\"lon\":2}\n{\"timestamp\":2,\"lat\":1,\n{\"timestamp\":3,\"lat\":1,\"lon\":2} x\n{\"timestamp\":4,\"lat\":1,\"lon\":2}\n"), options);
        var buffer = new SampleBuffer();

        await reader.ReadToEndAsync(buffer);

        Assert.Equal([1L, 4], buffer.TimestampUnixMs.ToArray());
        Assert.Equal([2L, 3], reader.Report.Errors.Select(e => e.Record));
        Assert.All(reader.Report.Errors, e => Assert.StartsWith("not valid JSON", e.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Records_split_byte_by_byte_read_the_same_as_whole()
    {
        const string ndjson = "{\"timestamp\":3000,\"lat\":1.5,\"lon\":2,\"road_class\":6,\"phone_interaction\":true}\r\n{\"timestamp\":1000,\"lat\":-1,\"lon\":-2,\"speed_mps\":3.25}\n";

        Assert.Equal(await Read(ndjson), await Read(ndjson, chunks: 1));
        Assert.Equal([3000L, 1000], (await Read(ndjson, chunks: 1)).Select(s => s.TimestampUnixMs));
    }

    [Fact]
    public async Task A_utf16_file_is_refused_naming_its_encoding_even_when_bad_records_are_skipped()
    {
        // Every other byte zero: each line would be a bad record, and the report would not say why.
        var text = System.Text.Encoding.Unicode;
        var bytes = text.GetPreamble().Concat(text.GetBytes("{\"timestamp\":1566857847000,\"lat\":1,\"lon\":2}\n")).ToArray();
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport };

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Chunked(bytes), options)));

        Assert.Equal(1, error.Record);
        Assert.Contains("UTF-16 little-endian", error.Reason, StringComparison.Ordinal);
    }
}
