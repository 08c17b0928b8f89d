using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;

namespace Telematics.Features.Tests.Ingest;

/// <summary>Records whose shape is ambiguous are bad: a JSON field given twice, a CSV record with more fields than its header.</summary>
public sealed class RecordShapeTests
{
    private const long Ms = 1_772_000_000_000; // 2026-02-25

    [Theory]
    [InlineData("speed_mps", "{\"timestamp\":1772000000000,\"lat\":1,\"lon\":2,\"speed_mps\":3,\"speed_mps\":40}")]
    [InlineData("timestamp", "{\"timestamp\":1772000000000,\"lat\":1,\"lon\":2,\"timestamp\":1}")]
    [InlineData("lat", "{\"lat\":1,\"timestamp\":1772000000000,\"lon\":2,\"lat\":-1}")]
    public async Task A_json_field_given_twice_is_a_bad_record_naming_it_in_ndjson_and_json(string field, string record)
    {
        var ndjson = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text($"{{\"timestamp\":{Ms},\"lat\":1,\"lon\":2}}\n{record}\n"))));
        var json = await Assert.ThrowsAsync<TelematicsFormatException>(() =>
            PipeInput.ReadAllAsync(JsonArraySampleReader.Create(PipeInput.Text($"[{{\"timestamp\":{Ms},\"lat\":1,\"lon\":2}},{record}]"))));

        Assert.Equal((2, field, "the field appears more than once"), (ndjson.Record, ndjson.Field, ndjson.Reason));
        Assert.Equal((2, field, "the field appears more than once"), (json.Record, json.Field, json.Reason));
    }

    [Fact]
    public async Task Unknown_properties_may_repeat_and_are_ignored()
    {
        var samples = await PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text($"{{\"timestamp\":{Ms},\"lat\":1,\"lon\":2,\"x\":1,\"x\":2}}\n")));

        Assert.Single(samples);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_csv_record_with_more_fields_than_the_header_is_bad_on_both_paths(bool fastPath)
    {
        var csv = $"timestamp,lat,lon,speed_mps\n{Ms},1,2,3\n{Ms + 1000},1,2,3,4\n";
        await using var reader = CsvSampleReader.Create(PipeInput.Text(csv));
        reader.UseFastPath = fastPath;

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => PipeInput.ReadAllAsync(reader));

        Assert.Equal(3, error.Record);
        Assert.Equal("#5", error.Field);
        Assert.Equal("the record has 5 fields but the header has 4", error.Reason);
    }

    [Fact]
    public async Task Separators_inside_quotes_are_not_extra_fields_and_a_mapping_may_ignore_extra_fields()
    {
        var quoted = $"timestamp,lat,lon,note\n{Ms},1,2,\"a,b,c\"\n";
        var extra = $"timestamp,lat,lon\n{Ms},1,2,surplus\n";

        var fromQuoted = await PipeInput.ReadAllAsync(CsvSampleReader.Create(PipeInput.Text(quoted)));
        var fromExtra = await PipeInput.ReadAllAsync(CsvSampleReader.Create(PipeInput.Text(extra), new CsvColumnMapping { IgnoreExtraFields = true }));

        Assert.Single(fromQuoted);
        Assert.Single(fromExtra);
    }
}
