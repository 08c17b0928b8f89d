namespace Telematics.Cli.Tests.Score;

/// <summary><c>telematics score --features</c>: the files it reads and the rows it writes.</summary>
public sealed class ScoreFeaturesTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_table_telematics_features_writes_is_scored_from_its_driver_row_as_the_events_are()
    {
        var events = await _files.WriteTwoTripsAsync("driver_9.csv");
        var table = _files.PathOf("f.csv");
        var written = await CliRunner.RunAsync("features", "--input", events, "--output", table);
        Assert.True(written.Exit == ExitCodes.Success, written.Error);
        var fromEvents = _files.PathOf("from-events.csv");
        var fromTable = _files.PathOf("from-table.csv");

        var direct = await CliRunner.RunAsync("score", "--input", events, "--default", "--output", fromEvents);
        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", table, "--default", "--output", fromTable);

        Assert.True(direct.Exit == ExitCodes.Success, direct.Error);
        Assert.True(exit == ExitCodes.Success, error);
        // The two trip rows are left out and so are the table's own columns (no warning about them).
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
        var rows = await File.ReadAllLinesAsync(fromTable);
        Assert.Equal(2, rows.Length);
        Assert.Equal((await File.ReadAllLinesAsync(fromEvents))[1].Split(',')[..4], rows[1].Split(',')[..4]);
    }
}
