using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>
/// An NDS-BR file re-saved by a spreadsheet: hours without a leading zero (<c>9:47:53</c>) and a separator ending every
/// row. Each used to reject every row of the file.
/// </summary>
public sealed class SpreadsheetExportTests
{
    [Fact]
    public async Task A_one_digit_hour_is_read_by_HH_mm_ss()
    {
        var csv = NdsbrShapedRows.Header + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "9:47:53", local: "6:47:53") + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "09:47:54", local: "06:47:54") + "\n";

        var (samples, report) = await ReadAsync(csv, Ndsbr());

        Assert.Equal(0, report.RejectedCount);
        Assert.Equal([Utc(10, 9, 47, 53), Utc(10, 9, 47, 54)], samples.Select(s => s.TimestampUnixMs));
    }

    [Theory]
    [InlineData("HHmmss", "094753", 94753)]
    [InlineData("HHmmss", "94753", -1)] // 9:47:53 or 94:75:3? Without separators only the width tells.
    [InlineData("HHmmss", "12345", -1)] // 12:34:5 or 1:23:45: the last number is not taken short either.
    [InlineData("HH:mm:ss", "9:7:3", 90703)]
    [InlineData("HH:mm:ss", "123:47:53", -1)]
    public async Task Two_letters_take_one_digit_only_where_a_separator_ends_the_number(string format, string time, int expectedHhmmss)
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Format = TimestampFormat.DateAndTime, DateColumn = "day", DateFormat = "d/M/yyyy", TimeColumn = "clock", TimeFormat = format },
        };

        var (samples, report) = await ReadAsync($"day,clock,lat,lon\n10/9/2019,{time},1,2\n", mapping);

        if (expectedHhmmss < 0)
        {
            Assert.Empty(samples);
            Assert.Equal("clock", Assert.Single(report.Errors).Field);
        }
        else
        {
            Assert.Equal(Utc(10, expectedHhmmss / 10000, expectedHhmmss / 100 % 100, expectedHhmmss % 100), Assert.Single(samples).TimestampUnixMs);
        }
    }

    [Fact]
    public async Task One_separator_ending_every_row_is_not_an_extra_field()
    {
        var csv = NdsbrShapedRows.Header + "\n"
            + NdsbrShapedRows.Row("10/9/2019", "14:00:00") + ";\n"
            + NdsbrShapedRows.Row("10/9/2019", "14:00:01") + ";\r\n"
            + NdsbrShapedRows.Row("10/9/2019", "14:00:02") + ";;\n";

        var (samples, report) = await ReadAsync(csv, Ndsbr());

        Assert.Equal([Utc(10, 14, 0, 0), Utc(10, 14, 0, 1)], samples.Select(s => s.TimestampUnixMs));

        // Two are not a row ending: a field of data the header does not name.
        var error = Assert.Single(report.Errors);
        Assert.Equal(4, error.Record);
        Assert.Equal("#35", error.Field);
    }
}
