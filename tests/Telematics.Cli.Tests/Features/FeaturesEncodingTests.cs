using System.Globalization;
using System.Text;

namespace Telematics.Cli.Tests.Features;

/// <summary>
/// A CSV saved by Excel as "CSV" on a Brazilian Windows is Windows-1252: the mapping's <c>encoding</c> reads its accented
/// road classes as the UTF-8 file's, and without it the warning on stderr says what to set.
/// </summary>
public sealed class FeaturesEncodingTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_windows_1252_file_reads_its_accented_classes_with_the_mapping_encoding_and_is_told_to_set_it_without()
    {
        var csv = new StringBuilder("timestamp;lat;lon;speed_mps;HIERARQUIA\n");
        for (var i = 0; i <= 600; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{EventFiles.Start + (i * 1000L)};{48.0 + (i * 15.0 / 111_195.0)};11;15;{(i < 300 ? "PRIORITÁRIA 1" : "LINHÃO")}\n");
        }

        // Code page 1252 and Latin-1 agree on every character here.
        var input = _files.PathOf("ansi.csv");
        await File.WriteAllBytesAsync(input, Encoding.Latin1.GetBytes(csv.ToString()));
        const string Classes = """ "separator": ";", "road_class": { "column": "HIERARQUIA", "values": { "PRIORITÁRIA 1": "Primary", "LINHÃO": "Secondary" } } """;
        var declared = _files.PathOf("declared.json");
        await File.WriteAllTextAsync(declared, $$"""{ "encoding": "windows-1252", {{Classes}} }""");
        var undeclared = _files.PathOf("undeclared.json");
        await File.WriteAllTextAsync(undeclared, $$"""{ {{Classes}} }""");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--mapping", declared, "--output", _files.PathOf("declared.csv"));
        var (undeclaredExit, _, undeclaredError) = await CliRunner.RunAsync("features", "--input", input, "--mapping", undeclared, "--output", _files.PathOf("undeclared.csv"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("read 601 records, rejected 0", text, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);

        Assert.True(undeclaredExit == ExitCodes.Success, undeclaredError);
        var warnings = undeclaredError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, warnings.Length);
        Assert.Contains("record 2, field 'HIERARQUIA': 'PRIORIT\uFFFDRIA 1' not a road class the mapping knows, and not valid UTF-8", warnings[0], StringComparison.Ordinal);
        Assert.Contains("set \"encoding\": \"windows-1252\"", warnings[0], StringComparison.Ordinal);
    }
}
