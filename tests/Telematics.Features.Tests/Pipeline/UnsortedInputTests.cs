using System.Globalization;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Pipeline;

/// <summary>
/// A file whose later trip is listed first: cleaning sorts within a chunk only, so the earlier trip, arriving after a
/// chunk of the later one, was dropped as late with nothing but a count (exit 0, an empty bad-record report).
/// </summary>
public sealed class UnsortedInputTests
{
    private const long LaterTripMs = 1_566_900_000_000;
    private const int TripRows = 100;

    /// <summary>Header, then the later trip (records 2–101), then the one an hour earlier (records 102–201).</summary>
    private static string LaterTripFirst()
    {
        var csv = new StringBuilder("timestamp,lat,lon,speed_mps\n");
        foreach (var (start, lat) in new[] { (LaterTripMs, 48.0), (LaterTripMs - 3_600_000, 48.5) })
        {
            for (var i = 0; i < TripRows; i++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{start + (i * 1000L)},{lat + (i * 15.0 / 111_195.0)},11,15\n");
            }
        }

        return csv.ToString();
    }

    private static async Task<(DriverFeaturePipeline Pipeline, IngestReport Report, int Trips)> RunAsync(bool rejectLate)
    {
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport, RejectRecordsBeforeEarlierChunks = rejectLate };
        var pipeline = new DriverFeaturePipeline(TestTracks.Berlin);
        var trips = 0;
        await using var reader = CsvSampleReader.Create(PipeInput.Text(LaterTripFirst()), options: options);
        var chunk = new SampleBuffer(16);
        while (true)
        {
            var read = await reader.ReadAsync(chunk);
            trips += pipeline.Push(chunk).Count;
            if (read.IsCompleted)
            {
                break;
            }
        }

        trips += pipeline.Complete().Count;
        return (pipeline, reader.Report, trips);
    }

    [Fact]
    public async Task Records_behind_an_earlier_chunk_are_named_as_not_in_time_order_instead_of_dropped_silently()
    {
        var (pipeline, report, trips) = await RunAsync(rejectLate: true);

        Assert.Equal(TripRows, report.RejectedCount);
        Assert.Equal(Enumerable.Range(102, TripRows).Select(r => (long)r), report.Errors.Select(e => e.Record));
        Assert.All(report.Errors, e => Assert.Equal("timestamp", e.Field));
        Assert.StartsWith("the file is not in time order", report.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, pipeline.Cleaning.OutOfOrderDroppedCount);
        Assert.Equal(1, trips);
    }

    [Fact]
    public async Task By_default_the_reader_hands_them_on_and_cleaning_counts_them_as_dropped()
    {
        var (pipeline, report, trips) = await RunAsync(rejectLate: false);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(TripRows, pipeline.Cleaning.OutOfOrderDroppedCount);
        Assert.Equal(1, trips);
    }

    /// <summary>
    /// 40 rows a second apart with <paramref name="resent"/> (row indexes) sent again right after row
    /// <paramref name="after"/>, read in chunks of 16 with records behind an earlier chunk rejected.
    /// </summary>
    private static async Task<(IngestReport Report, DriverFeaturePipeline Pipeline)> ResentAsync(int after, params int[] resent)
    {
        var csv = new StringBuilder("timestamp,lat,lon,speed_mps\n");
        string Row(int i) => string.Create(CultureInfo.InvariantCulture, $"{LaterTripMs + (i * 1000L)},{48.0 + (i * 15.0 / 111_195.0)},11,15\n");
        for (var i = 0; i < 40; i++)
        {
            csv.Append(Row(i));
            if (i == after)
            {
                foreach (var r in resent)
                {
                    csv.Append(Row(r));
                }
            }
        }

        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport, RejectRecordsBeforeEarlierChunks = true };
        var pipeline = new DriverFeaturePipeline(TestTracks.Berlin);
        await using var reader = CsvSampleReader.Create(PipeInput.Text(csv.ToString()), options: options);
        var chunk = new SampleBuffer(16);
        while (true)
        {
            var read = await reader.ReadAsync(chunk);
            pipeline.Push(chunk);
            if (read.IsCompleted)
            {
                break;
            }
        }

        pipeline.Complete();
        return (reader.Report, pipeline);
    }

    [Fact]
    public async Task A_resent_row_within_its_chunk_is_dropped_by_cleaning_as_a_duplicate()
    {
        // Rows 0-14, row 13 again, row 15: all in the first chunk of 16.
        var (report, pipeline) = await ResentAsync(14, 13);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(1, pipeline.Cleaning.DuplicateCount);
    }

    [Fact]
    public async Task A_resent_copy_of_the_last_row_of_the_chunk_before_is_dropped_as_a_duplicate_too()
    {
        // Rows 0-15 fill the first chunk; row 15 again opens the second: equal to the latest time handed out, not behind it.
        var (report, pipeline) = await ResentAsync(15, 15);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(1, pipeline.Cleaning.DuplicateCount);
    }

    [Fact]
    public async Task A_resent_row_older_than_the_last_of_the_chunk_before_is_refused_as_not_in_time_order()
    {
        // Documented (SampleReaderOptions.RejectRecordsBeforeEarlierChunks): the reader keeps only the latest time handed
        // out, not every time, so a copy of row 14 after a chunk boundary cannot be told from a late record, and is named.
        var (report, pipeline) = await ResentAsync(15, 14, 15);

        Assert.Equal(1, report.RejectedCount);
        Assert.StartsWith("the file is not in time order", report.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Equal(18, report.Errors[0].Record);
        Assert.Equal(1, pipeline.Cleaning.DuplicateCount);
    }
}
