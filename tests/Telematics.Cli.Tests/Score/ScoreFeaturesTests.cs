using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Testing;

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

    [Fact]
    public async Task The_table_scored_by_the_shipped_model_takes_the_window_its_driver_row_spans_as_the_events_do()
    {
        var events = await _files.WriteTwoTripsAsync("driver_10.csv");
        var table = _files.PathOf("f2.csv");
        Assert.Equal(ExitCodes.Success, (await CliRunner.RunAsync("features", "--input", events, "--output", table)).Exit);
        var shipped = Path.Combine(RepositoryRoot.Path, "src", "Telematics.Scoring", "Shipped", "telematics-frequency");
        var fromEvents = _files.PathOf("shipped-events.csv");
        var fromTable = _files.PathOf("shipped-table.csv");

        var direct = await CliRunner.RunAsync("score", "--input", events, "--model", shipped, "--output", fromEvents);
        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", table, "--model", shipped, "--output", fromTable);

        // A telematics@2 model turns totals into rates over the window: without one the driver failed by name.
        Assert.True(direct.Exit == ExitCodes.Success, direct.Error);
        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal((await File.ReadAllLinesAsync(fromEvents))[1].Split(',')[..4], (await File.ReadAllLinesAsync(fromTable))[1].Split(',')[..4]);
    }

    private static readonly string Plan = Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json");

    // A features CSV of typical drivers, one per entry: its id and its distance_km cell as written.
    private async Task<string> FeaturesAsync(params (string Id, string DistanceKm)[] drivers)
    {
        var schema = TelematicsFeatures.Schema;
        var header = string.Join(',', schema.Features.ToArray().Select(f => f.Name));
        var lines = new List<string> { "driver_id,observed_days," + header };
        foreach (var (id, distance) in drivers)
        {
            var cells = new string[schema.Count];
            Array.Fill(cells, "0.1");
            cells[schema.IndexOf(TelematicsFeatures.TripCount)] = "20";
            cells[schema.IndexOf(TelematicsFeatures.MeanTripKm)] = "9";
            cells[schema.IndexOf(TelematicsFeatures.DistanceKm)] = distance;
            lines.Add($"{id},30,{string.Join(',', cells)}");
        }

        var path = _files.PathOf("features.csv");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    [Fact]
    public async Task A_driver_id_with_a_comma_is_read_from_its_quotes_and_written_quoted()
    {
        var features = await FeaturesAsync(("\"smith, j\"", "180"), ("plain", "180"));
        var output = _files.PathOf("scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--default", "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        var rows = (await File.ReadAllLinesAsync(output)).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("\"smith, j\",", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("plain,", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_left_open_is_refused_naming_the_line()
    {
        var features = await FeaturesAsync(("plain", "180"), ("\"smith, j", "180"));

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--default", "--output", _files.PathOf("scores.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("line 3: cell 1 opens a quote that the line does not close", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_driver_without_a_distance_is_scored_but_not_priced_and_the_others_are_written()
    {
        var features = await FeaturesAsync(("blank", ""), ("priced", "180"));
        var output = _files.PathOf("scores.csv");

        var (exit, text, error) = await CliRunner.RunAsync("score", "--features", features, "--default", "--plan", Plan, "--output", output);

        Assert.True(exit == ExitCodes.PartialFailure, error);
        Assert.Contains("1 scored but not priced", text, StringComparison.Ordinal);
        var rows = (await File.ReadAllLinesAsync(output)).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);
        Assert.NotEmpty(rows["blank"][1]);
        Assert.Equal(("", ""), (rows["blank"][8], rows["blank"][9]));
        Assert.Contains("distance_km is missing", rows["blank"][10], StringComparison.Ordinal);
        Assert.True(decimal.Parse(rows["priced"][8], CultureInfo.InvariantCulture) > 0, rows["priced"][8]);
        Assert.Equal("", rows["priced"][10]);
    }

    [Theory]
    [InlineData("--plan|--region|FR13", "--region: 'FR13' is not a region of plan ubi-standard-2027 (one of FR-13, FR-35, FR-75)")]
    [InlineData("--region|FR-13", "--region prices with a plan: give --plan too.")]
    [InlineData("--vehicle-class|suv", "--vehicle-class prices with a plan: give --plan too.")]
    public async Task A_rating_option_the_plan_cannot_use_is_a_usage_error_not_a_silent_default(string options, string message)
    {
        var features = await FeaturesAsync(("priced", "180"));
        var output = _files.PathOf("scores.csv");
        var extra = options.Split('|').Select(o => o == "--plan" ? "--plan|" + Plan : o).SelectMany(o => o.Split('|')).ToArray();

        var (exit, _, error) = await CliRunner.RunAsync(["score", "--features", features, "--default", .. extra, "--output", output]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    public async Task A_feature_value_that_is_not_a_finite_number_is_refused_naming_its_line_and_column(string value)
    {
        var features = await FeaturesAsync(("fine", "180"), ("huge", value));
        var output = _files.PathOf("scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--default", "--plan", Plan, "--output", output);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"line 3, column 'distance_km': '{value}' is not a finite number", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
