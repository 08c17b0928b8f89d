using System.Globalization;
using System.Text;
using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Json;
using Telematics.Features.Ingest.Ndjson;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest;

/// <summary>
/// Loggers and map matchers write a speed limit of 0 (or -1) for "no limit known": no road is posted at 0, and a limit
/// read as 0 made every moving second count as speeding. Every reader reads such a limit as missing.
/// </summary>
public sealed class UnpostedSpeedLimitTests
{
    private const long T0 = 1_774_864_800_000;

    public enum Format
    {
        Csv,
        Ndjson,
        JsonArray,
        Binary,
    }

    public static TheoryData<Format> Formats() => [.. Enum.GetValues<Format>()];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_limit_of_zero_or_below_reads_as_missing_and_a_posted_one_as_written(Format format)
    {
        float[] limits = [0f, 13.9f, -1f, -0f];

        var samples = await ReadAsync(format, limits);

        Assert.Equal(limits.Length, samples.Count);
        Assert.True(float.IsNaN(samples[0].SpeedLimitMps));
        Assert.Equal(13.9f, samples[1].SpeedLimitMps);
        Assert.True(float.IsNaN(samples[2].SpeedLimitMps));
        Assert.True(float.IsNaN(samples[3].SpeedLimitMps));
    }

    [Fact]
    public async Task A_csv_limit_of_zero_in_kmh_through_a_mapping_reads_as_missing()
    {
        var mapping = new CsvColumnMapping
        {
            Timestamp = new CsvTimestampMapping { Column = "t" },
            Latitude = "y",
            Longitude = "x",
            SpeedLimit = new CsvNumericColumn("limit", MeasurementUnit.KilometresPerHour),
        };
        var csv = $"t,y,x,limit\n{T0},1,2,0\n{T0 + 1000},1,2,50\n";

        await using var reader = CsvSampleReader.Create(PipeInput.Text(csv), mapping);
        var samples = await PipeInput.ReadAllAsync(reader);

        Assert.True(float.IsNaN(samples[0].SpeedLimitMps));
        Assert.Equal(50f / 3.6f, samples[1].SpeedLimitMps, 1e-4f);
    }

    private static async Task<List<TelematicsSample>> ReadAsync(Format format, float[] limits)
    {
        var options = new SampleReaderOptions { Plausibility = SamplePlausibility.Default };
        var rows = limits.Select((l, i) => (T: T0 + (i * 1000L), Limit: l.ToString("R", CultureInfo.InvariantCulture))).ToArray();
        byte[] bytes = format switch
        {
            Format.Csv => Encoding.UTF8.GetBytes("timestamp,lat,lon,speed_limit_mps\n" + string.Concat(rows.Select(r => $"{r.T},1,2,{r.Limit}\n"))),
            Format.Ndjson => Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => $"{{\"timestamp\":{r.T},\"lat\":1,\"lon\":2,\"speed_limit_mps\":{r.Limit}}}\n"))),
            Format.JsonArray => Encoding.UTF8.GetBytes("[" + string.Join(',', rows.Select(r => $"{{\"timestamp\":{r.T},\"lat\":1,\"lon\":2,\"speed_limit_mps\":{r.Limit}}}")) + "]"),
            _ => await Binary.BinarySampleTests.WriteAsync(limits.Select((l, i) => new TelematicsSample(T0 + (i * 1000L), 1, 2) { SpeedLimitMps = l })),
        };
        var input = PipeInput.Chunked(bytes, 7);
        SampleReader reader = format switch
        {
            Format.Csv => CsvSampleReader.Create(input, options: options),
            Format.Ndjson => NdjsonSampleReader.Create(input, options),
            Format.JsonArray => JsonArraySampleReader.Create(input, options),
            _ => BinarySampleReader.Create(input, options),
        };
        return await PipeInput.ReadAllAsync(reader);
    }
}
