using Telematics.Features.Ingest.Binary;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Cli.Tests.Features;

/// <summary>
/// A file longer than the command's 8192-row chunks whose earliest trip is listed last: cleaning sorts within a chunk
/// only, and the trip used to vanish with exit 0 and an empty --report-bad.
/// </summary>
public sealed class FeaturesUnsortedInputTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_rows_of_an_earlier_trip_listed_after_a_later_chunk_are_reported_as_not_in_time_order()
    {
        // 15 trips of 601 rows: the first (records 2-602) moves to the end (records 8416-9016, in the second chunk).
        var input = await _files.WriteTripsAsync("unsorted.csv", 15);
        var lines = await File.ReadAllLinesAsync(input);
        await File.WriteAllLinesAsync(input, [lines[0], .. lines[602..], .. lines[1..602]]);
        var bad = _files.PathOf("bad.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("out.csv"), "--report-bad", bad);

        Assert.True(exit == ExitCodes.PartialFailure, error);
        var report = await File.ReadAllLinesAsync(bad);
        Assert.Equal(1 + 601, report.Length);
        Assert.StartsWith("8416,\"timestamp\",\"the file is not in time order", report[1], StringComparison.Ordinal);
        Assert.StartsWith("9016,", report[^1], StringComparison.Ordinal);
        Assert.Contains("read 9015 records, rejected 601, dropped 0", text, StringComparison.Ordinal);
        Assert.Contains("14 trips", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_file_names_the_rows_of_an_earlier_trip_listed_after_a_later_chunk_too()
    {
        // The same 15 trips in the SDK's binary format: the reader used to ignore the option, and the first trip was
        // dropped by cleaning as "out of order 601" with exit 0 and an empty --report-bad.
        var csv = await _files.WriteTripsAsync("sorted.csv", 15);
        var samples = new SampleBuffer(15 * 601);
        await using (var reader = CsvSampleReader.OpenFile(csv))
        {
            await reader.ReadToEndAsync(samples);
        }

        var unsorted = new SampleBuffer(samples.Count);
        for (var i = 601; i < samples.Count; i++)
        {
            unsorted.Add(samples[i]);
        }

        for (var i = 0; i < 601; i++)
        {
            unsorted.Add(samples[i]);
        }

        var input = _files.PathOf("unsorted.bin");
        await using (var writer = BinarySampleWriter.FromStream(File.Create(input)))
        {
            await writer.WriteAsync(unsorted);
            await writer.CompleteAsync();
        }

        var bad = _files.PathOf("bad.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("out.csv"), "--report-bad", bad);

        Assert.True(exit == ExitCodes.PartialFailure, error + text);
        var report = await File.ReadAllLinesAsync(bad);
        Assert.Equal(1 + 601, report.Length);

        // Binary records are numbered from 1 (no header line): the moved trip is records 8415-9015.
        Assert.StartsWith("8415,\"timestamp\",\"the file is not in time order", report[1], StringComparison.Ordinal);
        Assert.StartsWith("9015,", report[^1], StringComparison.Ordinal);
        Assert.Contains("read 9015 records, rejected 601, dropped 0", text, StringComparison.Ordinal);
        Assert.Contains("14 trips", text, StringComparison.Ordinal);
    }
}
