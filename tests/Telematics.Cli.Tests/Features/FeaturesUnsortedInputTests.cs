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
}
