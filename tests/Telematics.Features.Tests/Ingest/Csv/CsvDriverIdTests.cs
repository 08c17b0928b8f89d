using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;
using static Telematics.Features.Tests.Ingest.Csv.NdsbrShapedRows;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>The mapping's <c>driver_id</c> column: two drivers' rows in one file are never read as one driver's trips.</summary>
public sealed class CsvDriverIdTests
{
    private static async Task<(List<TelematicsSample> Samples, IngestError[] Errors)> ReadAsync(string csv, CsvColumnMapping mapping, bool fastPath)
    {
        var reader = CsvSampleReader.Create(PipeInput.Text(csv), mapping, new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport });
        reader.UseFastPath = fastPath;
        var samples = await PipeInput.ReadAllAsync(reader);
        return (samples, [.. reader.Report.Errors]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rows_naming_another_driver_than_the_first_are_bad_records_named_by_the_column(bool fastPath)
    {
        var mapping = new CsvColumnMapping { DriverId = "DRIVER", MissingValues = ["NA"] };
        // Blank and missing names are not checked; spaces around a name are not part of it.
        var csv = "timestamp,lat,lon,DRIVER\n1700000001000,52.5,13.4,\n1700000002000,52.5,13.4,A\n1700000003000,52.5,13.4, A \n"
            + "1700000004000,52.5,13.4,NA\n1700000005000,52.5,13.4,B\n1700000006000,52.5,13.4,A\n1700000007000,52.5,13.4,AB\n";

        var (samples, errors) = await ReadAsync(csv, mapping, fastPath);

        Assert.Equal([1700000001000, 1700000002000, 1700000003000, 1700000004000, 1700000006000], samples.Select(s => s.TimestampUnixMs));
        Assert.Equal([6L, 8L], errors.Select(e => e.Record));
        Assert.All(errors, e => Assert.Equal("DRIVER", e.Field));
        Assert.StartsWith("names another driver than the records before it", errors[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_first_record_refused_for_another_reason_does_not_fix_the_driver(bool fastPath)
    {
        // Row 2 names B but is refused (a time before 2000): the file's driver is A's, named by the first accepted row.
        var mapping = new CsvColumnMapping { DriverId = "DRIVER" };
        var csv = "timestamp,lat,lon,DRIVER\n900000000000,52.5,13.4,B\n1700000001000,52.5,13.4,A\n1700000002000,52.5,13.4,A\n";

        var (samples, errors) = await ReadAsync(csv, mapping, fastPath);

        Assert.Equal(2, samples.Count);
        Assert.Equal(2L, Assert.Single(errors).Record);
        Assert.NotEqual("DRIVER", errors[0].Field);
    }

    [Fact]
    public async Task Without_a_driver_id_in_the_mapping_the_column_is_not_checked()
    {
        var (samples, errors) = await ReadAsync("timestamp,lat,lon,driver_id\n1700000001000,52.5,13.4,A\n1700000002000,52.5,13.4,B\n", new CsvColumnMapping(), fastPath: true);

        Assert.Equal(2, samples.Count);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Without_bad_record_skipping_the_first_row_of_another_driver_stops_the_read_naming_its_line_and_column()
    {
        var mapping = new CsvColumnMapping { DriverId = "DRIVER" };
        var reader = CsvSampleReader.Create(PipeInput.Text("timestamp,lat,lon,DRIVER\n1700000001000,52.5,13.4,A\n1700000002000,52.5,13.4,B\n"), mapping);

        var error = await Assert.ThrowsAsync<TelematicsFormatException>(() => PipeInput.ReadAllAsync(reader));

        Assert.Equal(3, error.Record);
        Assert.Equal("DRIVER", error.Field);
    }

    [Fact]
    public async Task The_mapping_reads_and_writes_driver_id_and_a_header_without_the_column_is_read_unchecked()
    {
        var mapping = CsvColumnMapping.FromJson("""{ "driver_id": "DRIVER" }""");

        Assert.Equal("DRIVER", mapping.DriverId);
        Assert.Equal("DRIVER", CsvColumnMapping.FromJson(mapping.ToJson()).DriverId);
        Assert.Null(new CsvColumnMapping().DriverId);

        // Optional like every column but time and position: a file without it is one driver's, as before.
        var reader = CsvSampleReader.Create(PipeInput.Text("timestamp,lat,lon\n1700000001000,52.5,13.4\n"), mapping);
        Assert.Single(await PipeInput.ReadAllAsync(reader));
    }

    [Fact]
    public async Task Two_ndsbr_files_joined_read_the_first_driver_and_name_each_row_of_the_second()
    {
        // driver_A.csv and driver_B.csv pasted under one header: without DRIVER in the mapping B's trip would be A's.
        var csv = string.Join('\n', Header, Row("10/9/2019", "12:00:00"), Row("10/9/2019", "12:00:01"), Row("11/9/2019", "09:00:00", id: "B08"),
            Row("11/9/2019", "09:00:01", id: "B08")) + "\n";

        var (samples, report) = await NdsbrShapedRows.ReadAsync(csv, Ndsbr());

        Assert.Equal(2, samples.Count);
        Assert.Equal([4L, 5L], report.Errors.Select(e => e.Record));
        Assert.All(report.Errors, e => Assert.Equal("DRIVER", e.Field));
    }
}
