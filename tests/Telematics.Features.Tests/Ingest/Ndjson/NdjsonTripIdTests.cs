using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Ndjson;

/// <summary>The optional <c>trip_id</c> field of the native NDJSON and JSON-array formats.</summary>
public sealed class NdjsonTripIdTests
{
    private static readonly SampleReaderOptions Skip = new() { Plausibility = SamplePlausibility.Unbounded, BadRecords = BadRecordHandling.SkipAndReport };

    private const SampleFlags TripBits = SampleFlags.TripIdKnown | SampleFlags.TripTagMask;

    [Fact]
    public async Task Integer_and_string_ids_set_the_tag_and_null_or_empty_ones_leave_it_unknown()
    {
        var samples = await PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text("""
            {"timestamp":1000,"lat":1,"lon":2,"trip_id":13}
            {"timestamp":2000,"lat":1,"lon":2,"trip_id":"13"}
            {"timestamp":3000,"lat":1,"lon":2,"trip_id":"A05"}
            {"timestamp":4000,"lat":1,"lon":2,"trip_id":"\u0041\u0030\u0035"}
            {"timestamp":5000,"lat":1,"lon":2,"trip_id":null}
            {"timestamp":6000,"lat":1,"lon":2,"trip_id":""}
            {"timestamp":7000,"lat":1,"lon":2}
            """), Skip));

        Assert.Equal(
            [TripTag.FromId(13), TripTag.FromId(13), TripTag.FromId("A05"), TripTag.FromId("A05"), SampleFlags.None, SampleFlags.None, SampleFlags.None],
            samples.Select(s => s.Flags & TripBits));

        // 13 and "13" are one id, and so are the escaped and plain "A05": the one change is at the third record.
        Assert.Equal([false, false, true, false, false, false, false], samples.Select(s => (s.Flags & SampleFlags.TripIdChanged) != 0));
        Assert.All(samples, s => Assert.Equal(SampleFlags.PhoneUnknown, s.Flags & ~(TripBits | SampleFlags.TripIdChanged)));
    }

    [Fact]
    public async Task A_trip_id_that_is_neither_a_number_nor_a_string_is_a_bad_record_named_trip_id()
    {
        await using var reader = NdjsonSampleReader.Create(PipeInput.Text("""
            {"timestamp":1000,"lat":1,"lon":2,"trip_id":[5]}
            {"timestamp":2000,"lat":1,"lon":2,"trip_id":true}
            {"timestamp":3000,"lat":1,"lon":2,"trip_id":5,"trip_id":6}
            {"timestamp":4000,"lat":1,"lon":2,"trip_id":5}
            """), Skip);
        var buffer = new SampleBuffer();
        await reader.ReadToEndAsync(buffer);

        Assert.Equal([4000L], buffer.TimestampUnixMs.ToArray());
        Assert.Equal(["trip_id", "trip_id", "trip_id"], reader.Report.Errors.Select(e => e.Field!));
    }

    [Fact]
    public async Task A_whole_number_written_as_a_float_is_that_integer_and_any_other_number_is_an_id_by_its_text()
    {
        var samples = await PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text("""
            {"timestamp":1000,"lat":1,"lon":2,"trip_id":3}
            {"timestamp":2000,"lat":1,"lon":2,"trip_id":3.0}
            {"timestamp":3000,"lat":1,"lon":2,"trip_id":1e3}
            {"timestamp":4000,"lat":1,"lon":2,"trip_id":1.5}
            {"timestamp":5000,"lat":1,"lon":2,"trip_id":18446744073709551615}
            """), Skip));

        Assert.Equal(
            [TripTag.FromId(3), TripTag.FromId(3), TripTag.FromId(1000), TripTag.FromId("1.5"), TripTag.FromId("18446744073709551615")],
            samples.Select(s => s.Flags & TripBits));
        Assert.Equal([false, false, true, true, true], samples.Select(s => (s.Flags & SampleFlags.TripIdChanged) != 0));
    }

    [Fact]
    public async Task The_json_array_reader_reads_trip_id_too()
    {
        var samples = await PipeInput.ReadAllAsync(JsonArraySampleReader.Create(PipeInput.Text("""
            [{"timestamp":1000,"lat":1,"lon":2,"trip_id":"A05"},{"timestamp":2000,"lat":1,"lon":2,"trip_id":6}]
            """), Skip));

        Assert.Equal([TripTag.FromId("A05"), TripTag.FromId(6)], samples.Select(s => s.Flags & TripBits));
    }

    [Fact]
    public async Task Both_readers_mark_a_change_between_ids_that_share_a_tag()
    {
        const string Records = """{"timestamp":1000,"lat":1,"lon":2,"trip_id":5},{"timestamp":2000,"lat":1,"lon":2,"trip_id":"9"},{"timestamp":3000,"lat":1,"lon":2,"trip_id":9}""";

        var lines = await PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text(Records.Replace("},{", "}\n{", StringComparison.Ordinal)), Skip));
        var array = await PipeInput.ReadAllAsync(JsonArraySampleReader.Create(PipeInput.Text("[" + Records + "]"), Skip));

        Assert.Equal(TripTag.FromId(5), TripTag.FromId(9));
        Assert.Equal([false, true, false], lines.Select(s => (s.Flags & SampleFlags.TripIdChanged) != 0));
        Assert.Equal([false, true, false], array.Select(s => (s.Flags & SampleFlags.TripIdChanged) != 0));
    }
}
