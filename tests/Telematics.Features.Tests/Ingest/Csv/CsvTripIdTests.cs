using Telematics.Features.Cleaning;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using Telematics.Features.Trips;
using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>The mapping's <c>trip_id</c> column: the source's own trip ids reach the samples' flags and cut trips.</summary>
public sealed class CsvTripIdTests
{
    private static readonly SampleReaderOptions Skip = new() { BadRecords = BadRecordHandling.SkipAndReport };

    private static async Task<List<TelematicsSample>> ReadAsync(string csv, CsvColumnMapping mapping, bool fastPath)
    {
        var reader = CsvSampleReader.Create(PipeInput.Text(csv), mapping, Skip);
        reader.UseFastPath = fastPath;
        return await PipeInput.ReadAllAsync(reader);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Each_row_carries_the_tag_of_its_id_and_empty_or_missing_ids_are_unknown(bool fastPath)
    {
        var mapping = new CsvColumnMapping { TripId = "trip", MissingValues = ["NA"] };
        var csv = "timestamp,lat,lon,trip\n1700000001000,52.5,13.4,5\n1700000002000,52.5,13.4, 6 \n1700000003000,52.5,13.4,\n"
            + "1700000004000,52.5,13.4,NA\n1700000005000,52.5,13.4,A05\n1700000006000,52.5,13.4,\"A05\"\n";

        var samples = await ReadAsync(csv, mapping, fastPath);

        Assert.Equal(
            [TripTag.FromId(5), TripTag.FromId(6), SampleFlags.None, SampleFlags.None, TripTag.FromId("A05"), TripTag.FromId("A05")],
            samples.Select(s => s.Flags & (SampleFlags.TripIdKnown | SampleFlags.TripTagMask)));
        // The phone bits are untouched: the file has no phone columns.
        Assert.All(samples, s => Assert.True((s.Flags & SampleFlags.PhoneUnknown) != 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Ids_split_across_pipe_segments_read_the_same(int segment)
    {
        var mapping = new CsvColumnMapping { TripId = "trip" };
        var csv = "timestamp,lat,lon,trip\n1700000001000,52.5,13.4,trip-alpha\n1700000002000,52.5,13.4,123456789\n";

        var reader = CsvSampleReader.Create(PipeInput.Text(csv, segment), mapping, Skip);
        var samples = await PipeInput.ReadAllAsync(reader, chunkCapacity: 1);

        Assert.Equal([TripTag.FromId("trip-alpha"), TripTag.FromId(123456789)], samples.Select(s => s.Flags & (SampleFlags.TripIdKnown | SampleFlags.TripTagMask)));
    }

    [Fact]
    public async Task Without_a_trip_id_in_the_mapping_the_column_is_ignored()
    {
        var samples = await ReadAsync("timestamp,lat,lon,trip_id\n1700000001000,52.5,13.4,5\n", new CsvColumnMapping(), fastPath: true);

        Assert.Equal(SampleFlags.PhoneUnknown, Assert.Single(samples).Flags);
    }

    [Fact]
    public void The_mapping_reads_and_writes_trip_id()
    {
        var mapping = CsvColumnMapping.FromJson("""{ "trip_id": "TRIP" }""");

        Assert.Equal("TRIP", mapping.TripId);
        Assert.Equal("TRIP", CsvColumnMapping.FromJson(mapping.ToJson()).TripId);
        Assert.Null(new CsvColumnMapping().TripId);
    }

    [Theory]
    [InlineData("""{ "trip_id": 5 }""")]
    [InlineData("""{ "trip_id": ["TRIP"] }""")]
    [InlineData("""{ "trip_id": " " }""")]
    public void A_trip_id_that_is_not_a_column_name_is_an_error_that_names_the_field(string json)
    {
        var error = Assert.Throws<TelematicsFormatException>(() => CsvColumnMapping.FromJson(json));

        Assert.Contains("trip_id", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_first_accepted_record_of_a_new_id_is_marked_and_no_other(bool fastPath)
    {
        // 5 and 9 share a tag (mod 4); the row with a bad latitude is refused, so the change is judged from the accepted 5.
        var mapping = new CsvColumnMapping { TripId = "trip" };
        var csv = "timestamp,lat,lon,trip\n1700000001000,52.5,13.4,5\n1700000002000,52.5,13.4,5\n1700000003000,99,13.4,9\n"
            + "1700000004000,52.5,13.4,9\n1700000005000,52.5,13.4,\n1700000006000,52.5,13.4,09\n1700000007000,52.5,13.4,13\n"
            + "1700000008000,52.5,13.4,13.0\n";

        var samples = await ReadAsync(csv, mapping, fastPath);

        Assert.Equal(TripTag.FromId(5), TripTag.FromId(9));
        Assert.Equal([1700000001000L, 1700000002000, 1700000004000, 1700000005000, 1700000006000, 1700000007000, 1700000008000], samples.Select(s => s.TimestampUnixMs));
        Assert.Equal([false, false, true, false, false, true, false], samples.Select(s => (s.Flags & SampleFlags.TripIdChanged) != 0));
    }

    [Theory]
    [InlineData(true, "A06", 2)]
    [InlineData(false, "A06", 1)]
    [InlineData(true, "A09", 2)]
    public async Task Two_ndsbr_trips_a_second_apart_are_two_trips_with_the_trip_column(bool withTripId, string secondId, int expected)
    {
        // Trip 5 then the next driven on without a stop, as two recorded trips minutes apart look once the parked time is
        // not in the file: only the TRIP column parts them, also when the two ids share a tag (5 and 9).
        var rows = new List<string> { Header };
        var lon = -49.23446;
        for (var s = 0; s < 240; s++)
        {
            var utc = TimeSpan.FromHours(12) + TimeSpan.FromSeconds(s);
            rows.Add(Row("10/9/2019", utc.ToString(@"hh\:mm\:ss"), lon: lon, id: s < 120 ? "A05" : secondId));
            lon += 0.0001; // about 10 m a second at 36 km/h
        }

        var mapping = Ndsbr();
        mapping.TripId = withTripId ? "TRIP" : null;
        var (samples, report) = await NdsbrShapedRows.ReadAsync(string.Join('\n', rows), mapping);
        var buffer = new SampleBuffer();
        foreach (var sample in samples)
        {
            buffer.Add(sample);
        }

        new SampleCleaner().Clean(buffer);
        var segmenter = new TripSegmenter();
        var trips = new List<SegmentedTrip>();
        segmenter.Push(buffer, trips);
        segmenter.Complete(trips);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(expected, trips.Count);
        if (expected == 2)
        {
            Assert.Equal(Utc(10, 12, 2, 0), trips[1].StartUnixMs);
        }
    }
}
