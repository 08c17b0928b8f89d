using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// Separate date and time columns at midnight: NDS-BR's DAY beside the UTC column wraps at 21:00 local to 00:xx on the
/// same DAY, which read as it stands dates the record 24 h early and cuts the trip in two.
/// </summary>
public sealed class MidnightTests
{
    [Fact]
    public async Task A_time_that_goes_back_across_midnight_on_the_same_date_is_rejected_naming_record_and_time_column()
    {
        var mapping = new CsvColumnMapping
        {
            Separator = ';',
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "DAY", DateFormat = "d/M/yyyy", TimeColumn = "03:00:00" },
        };
        var csv = "DAY;03:00:00;lat;lon\n10/9/2019;23:59:59;1;2\n10/9/2019;00:00:00;1;2\n10/9/2019;00:00:01;1;2\n11/9/2019;00:00:02;1;2\n";

        var (samples, report) = await ReadAsync(csv, mapping);

        // The date advances on the last row: from there the times read again.
        Assert.Equal([Utc(10, 23, 59, 59), Utc(11, 0, 0, 2)], samples.Select(s => s.TimestampUnixMs));
        Assert.Equal([3L, 4L], report.Errors.Select(e => e.Record));
        Assert.All(report.Errors, e => Assert.Equal("03:00:00", e.Field));
        Assert.StartsWith("the time goes back 23:59:59 from record 2 on the same date: the date column may not advance at midnight", report.Errors[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("the time goes back 23:59:58 from record 2", report.Errors[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Times_going_back_a_little_on_the_same_date_are_left_to_cleaning()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "d", DateFormat = "d/M/yyyy", TimeColumn = "t" },
        };

        var (samples, report) = await ReadAsync("d,t,lat,lon\n10/9/2019,14:00:05,1,2\n10/9/2019,14:00:01,1,2\n10/9/2019,03:00:00,1,2\n", mapping);

        Assert.Equal(3, samples.Count);
        Assert.Equal(0, report.RejectedCount);
    }

    [Fact]
    public async Task An_evening_listed_before_the_same_days_morning_and_a_late_glitch_are_no_midnight_wrap()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "d", DateFormat = "d/M/yyyy", TimeColumn = "t" },
        };

        var (samples, report) = await ReadAsync(
            "d,t,lat,lon\n10/9/2019,21:30:00,1,2\n10/9/2019,08:00:00,1,2\n10/9/2019,08:00:01,1,2\n10/9/2019,23:10:00,1,2\n10/9/2019,08:00:02,1,2\n", mapping);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal(5, samples.Count);
    }

    [Fact]
    public async Task Ndsbr_mapping_reads_the_local_pair_so_a_trip_across_21_00_local_stays_in_time_order()
    {
        var mapping = CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/ndsbr.json"));
        var csv = NdsbrShapedRows.Header + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "23:59:59", local: "20:59:59") + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "00:00:00", local: "21:00:00") + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "00:00:01", local: "21:00:01") + "\n";

        var (samples, report) = await ReadAsync(csv, mapping);

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal([Utc(10, 23, 59, 59), Utc(11, 0, 0, 0), Utc(11, 0, 0, 1)], samples.Select(s => s.TimestampUnixMs));
    }
}
