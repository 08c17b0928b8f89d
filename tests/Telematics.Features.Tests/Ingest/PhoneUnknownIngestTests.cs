using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest;

/// <summary>Each reader tells phone use not recorded (a source without phone data) from phone not used.</summary>
public sealed class PhoneUnknownIngestTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_csv_without_phone_columns_or_with_both_cells_empty_records_no_phone_use(bool fastPath)
    {
        var withoutColumns = await ReadCsv("timestamp,lat,lon,speed_mps\n1566857847000,-25.5,-49.2,10\n", fastPath);
        var withColumns = await ReadCsv(
            "timestamp,lat,lon,speed_mps,phone_handheld,phone_interaction\n"
            + "1566857847000,-25.5,-49.2,10,0,0\n"
            + "1566857848000,-25.5,-49.2,10,,\n"
            + "1566857849000,-25.5,-49.2,10,,1\n"
            + "1566857850000,-25.5,-49.2,10,1,\n",
            fastPath);

        Assert.Equal(SampleFlags.PhoneUnknown, withoutColumns[0].Flags);
        Assert.Equal(
            [SampleFlags.None, SampleFlags.PhoneUnknown, SampleFlags.PhoneInteraction, SampleFlags.PhoneHandheld],
            withColumns.Select(s => s.Flags));
    }

    [Fact]
    public async Task An_ndjson_record_with_neither_phone_field_records_no_phone_use_and_false_is_no_use()
    {
        var samples = await ReadNdjson(
            """
            {"timestamp":1566857847000,"lat":-25.5,"lon":-49.2}
            {"timestamp":1566857848000,"lat":-25.5,"lon":-49.2,"phone_handheld":false}
            {"timestamp":1566857849000,"lat":-25.5,"lon":-49.2,"phone_handheld":null,"phone_interaction":null}
            {"timestamp":1566857850000,"lat":-25.5,"lon":-49.2,"phone_interaction":true}
            """);

        Assert.Equal(
            [SampleFlags.PhoneUnknown, SampleFlags.None, SampleFlags.PhoneUnknown, SampleFlags.PhoneInteraction],
            samples.Select(s => s.Flags));
    }

    [Fact]
    public async Task The_csv_writer_keeps_phone_use_not_recorded_as_empty_cells()
    {
        var buffer = new SampleBuffer();
        buffer.Add(new TelematicsSample(1566857847000, -25.5, -49.2) { Flags = SampleFlags.PhoneUnknown });
        buffer.Add(new TelematicsSample(1566857848000, -25.5, -49.2) { Flags = SampleFlags.None });
        using var stream = new MemoryStream();
        var writer = CsvSampleWriter.FromStream(stream, leaveOpen: true);
        await writer.WriteAsync(buffer);
        await writer.DisposeAsync();

        var read = await PipeInput.ReadAllAsync(CsvSampleReader.Create(PipeInput.Chunked(stream.ToArray()), options: ParseOnly.Options));

        Assert.Equal([SampleFlags.PhoneUnknown, SampleFlags.None], read.Select(s => s.Flags));
    }

    private static Task<List<TelematicsSample>> ReadCsv(string csv, bool fastPath)
    {
        var reader = CsvSampleReader.Create(PipeInput.Text(csv), options: ParseOnly.Options);
        reader.UseFastPath = fastPath;
        return PipeInput.ReadAllAsync(reader);
    }

    private static Task<List<TelematicsSample>> ReadNdjson(string ndjson) =>
        PipeInput.ReadAllAsync(NdjsonSampleReader.Create(PipeInput.Text(ndjson), ParseOnly.Options));
}
