using System.Globalization;
using System.Text;

namespace Telematics.Cli.Tests.Features;

/// <summary>A road class the mapping lacks is read as unknown road and told once on stderr, not a bad record per row.</summary>
public sealed class FeaturesUnknownRoadClassTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Each_unknown_class_is_warned_once_with_its_first_record_and_count_and_no_record_is_rejected()
    {
        var csv = new StringBuilder("timestamp,lat,lon,speed_mps,road\n");
        for (var i = 0; i <= 600; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{EventFiles.Start + (i * 1000L)},{48.0 + (i * 15.0 / 111_195.0)},11,15,{(i < 300 ? "EXTERNA" : "RODOVIA FEDERAL SIMPLES")}\n");
        }

        var input = _files.PathOf("road.csv");
        await File.WriteAllTextAsync(input, csv.ToString());
        var mapping = _files.PathOf("road.json");
        await File.WriteAllTextAsync(mapping, """{ "road_class": { "column": "road", "values": { "EXTERNA": "Primary" } } }""");
        var bad = _files.PathOf("bad.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--mapping", mapping, "--output", _files.PathOf("out.csv"), "--report-bad", bad);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("read 601 records, rejected 0", text, StringComparison.Ordinal);
        Assert.Contains("1 trips", text, StringComparison.Ordinal);
        var warning = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("record 302, field 'road': 'RODOVIA FEDERAL SIMPLES' not a road class the mapping knows; read as unknown road (301 records)", warning.TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(bad));
    }
}
