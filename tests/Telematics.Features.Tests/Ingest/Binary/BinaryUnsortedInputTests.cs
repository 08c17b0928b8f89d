using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Binary;

/// <summary>
/// A binary file whose later trip is listed first: the binary reader used to ignore
/// <see cref="SampleReaderOptions.RejectRecordsBeforeEarlierChunks"/>, so the earlier trip was dropped by cleaning as
/// late with only a count, where CSV and NDJSON name each record.
/// </summary>
public sealed class BinaryUnsortedInputTests
{
    private const long LaterTripMs = 1_566_900_000_000;
    private const int TripRows = 100;

    /// <summary>The later trip (records 1–100), then the one an hour earlier (records 101–200).</summary>
    private static TelematicsSample[] LaterTripFirst() =>
        [.. new[] { (LaterTripMs, 48.0), (LaterTripMs - 3_600_000, 48.5) }
            .SelectMany(trip => Enumerable.Range(0, TripRows).Select(i => new TelematicsSample(trip.Item1 + (i * 1000L), trip.Item2 + (i * 15.0 / 111_195.0), 11) { SpeedMps = 15 }))];

    private static async Task<(List<TelematicsSample> Read, IngestReport Report)> ReadAsync(bool rejectLate, int blockRecords)
    {
        var bytes = await BinarySampleTests.WriteAsync(LaterTripFirst(), blockRecords);
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport, RejectRecordsBeforeEarlierChunks = rejectLate, MaxReportedErrors = 1000 };
        var reader = BinarySampleReader.Create(PipeInput.Chunked(bytes, 700), options);
        var read = await PipeInput.ReadAllAsync(reader, chunkCapacity: 16);
        return (read, reader.Report);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(150)]
    [InlineData(BinaryFormat.DefaultBlockRecords)]
    public async Task Records_behind_an_earlier_chunk_are_named_as_not_in_time_order_as_in_csv(int blockRecords)
    {
        var (read, report) = await ReadAsync(rejectLate: true, blockRecords);

        Assert.Equal(TripRows, read.Count);
        Assert.All(read, s => Assert.True(s.TimestampUnixMs >= LaterTripMs));
        Assert.Equal(TripRows, report.RejectedCount);
        Assert.Equal(Enumerable.Range(TripRows + 1, TripRows).Select(r => (long)r), report.Errors.Select(e => e.Record));
        Assert.All(report.Errors, e => Assert.Equal("timestamp", e.Field));
        Assert.StartsWith("the file is not in time order", report.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_the_binary_reader_hands_every_record_on()
    {
        var (read, report) = await ReadAsync(rejectLate: false, BinaryFormat.DefaultBlockRecords);

        Assert.Equal(2 * TripRows, read.Count);
        Assert.Equal(0, report.RejectedCount);
    }

    [Fact]
    public async Task Disorder_within_one_read_is_left_to_cleaning()
    {
        // Both trips arrive in one read: only records behind an earlier read are refused.
        var bytes = await BinarySampleTests.WriteAsync(LaterTripFirst());
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport, RejectRecordsBeforeEarlierChunks = true };
        var reader = BinarySampleReader.Create(PipeInput.Chunked(bytes), options);

        var read = await PipeInput.ReadAllAsync(reader, chunkCapacity: 4096);

        Assert.Equal(2 * TripRows, read.Count);
        Assert.Equal(0, reader.Report.RejectedCount);
    }
}
