using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Json;

public sealed class JsonArraySampleReaderTests
{
    private static Task<List<TelematicsSample>> Read(string json, SampleReaderOptions? options = null, params int[] chunks) =>
        PipeInput.ReadAllAsync(JsonArraySampleReader.Create(PipeInput.Text(json, chunks), options ?? ParseOnly.Options));

    private static string Array(int count)
    {
        var text = new StringBuilder("[\n");
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "  " : ",\n  ")
                .Append("{\"timestamp\":").Append(1000 * (i + 1))
                .Append(",\"lat\":1.5,\"lon\":2.5,\"note\":\"a, \\\"quoted\\\" ] {text}\",\"extra\":[1,{\"x\":[]}],\"event_id\":").Append(i + 1).Append('}');
        }

        return text.Append("\n]\n").ToString();
    }

    [Fact]
    public async Task Every_element_becomes_a_sample_in_order_with_the_ndjson_field_names()
    {
        var samples = await Read("""[{"timestamp":1566857847000,"lat":-25.45,"lon":-49.23,"speed_mps":13.5,"road_class":"primary","phone_handheld":true,"event_id":7},{"timestamp":"2019-08-26T22:17:28Z","lat":-25.46,"lon":-49.24}]""");

        Assert.Equal(2, samples.Count);
        Assert.Equal(new TelematicsSample(1566857847000, -25.45, -49.23)
        {
            SpeedMps = 13.5f, RoadClass = RoadClass.Primary, Flags = SampleFlags.PhoneHandheld, EventId = 7,
        }, samples[0]);
        Assert.Equal(1566857848000, samples[1].TimestampUnixMs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public async Task Strings_and_nesting_with_commas_and_brackets_do_not_split_elements_whatever_the_chunking(int chunkSize)
    {
        var samples = await Read(Array(25), null, chunkSize);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), samples.Select(s => s.EventId));
    }

    [Fact]
    public async Task Empty_input_an_empty_array_and_a_byte_order_mark_are_accepted()
    {
        Assert.Empty(await Read(string.Empty));
        Assert.Empty(await Read(" [ ] \r\n"));
        Assert.Single(await Read("\uFEFF[{\"timestamp\":1,\"lat\":1,\"lon\":2}]"));
    }

    [Fact]
    public async Task A_bad_element_is_rejected_naming_its_position_and_field()
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            Read("[{\"timestamp\":1,\"lat\":1,\"lon\":2},{\"timestamp\":2,\"lat\":95,\"lon\":2}]"));

        Assert.Equal(2, error.Record);
        Assert.Equal("lat", error.Field);
    }

    [Fact]
    public async Task Skip_mode_keeps_the_good_elements_and_reports_the_bad_ones()
    {
        var reader = JsonArraySampleReader.Create(
            PipeInput.Text("[{\"timestamp\":1,\"lat\":1,\"lon\":2}, 17, {\"lat\":1,\"lon\":2}, {\"timestamp\":4,\"lat\":1,\"lon\":2}]"),
            new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport });
        var report = reader.Report;

        var samples = await PipeInput.ReadAllAsync(reader);

        Assert.Equal([1L, 4], samples.Select(s => s.TimestampUnixMs));
        Assert.Equal([2L, 3], report.Errors.Select(e => e.Record));
        Assert.Equal("timestamp", report.Errors[1].Field);
    }

    [Theory]
    [InlineData("{\"timestamp\":1,\"lat\":1,\"lon\":2}", "not a JSON array")]
    [InlineData("[{\"timestamp\":1,\"lat\":1,\"lon\":2}", "not closed")]
    [InlineData("[{\"timestamp\":1,\"lat\":1,\"lon\":2}] x", "text follows")]
    [InlineData("[{\"timestamp\":1,\"lat\":1,\"lon\":2},,{\"timestamp\":2,\"lat\":1,\"lon\":2}]", "missing between commas")]
    public async Task Input_that_is_not_one_array_fails_even_in_skip_mode(string json, string reason)
    {
        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            Read(json, new SampleReaderOptions { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport }));

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }
}
