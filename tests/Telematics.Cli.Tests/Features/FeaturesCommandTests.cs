using System.Text.Json;

namespace Telematics.Cli.Tests.Features;

public sealed class FeaturesCommandTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Two_trips_give_two_trip_rows_a_driver_row_and_a_summary_line()
    {
        var input = await _files.WriteTwoTripsAsync("driver_7.csv");
        var output = _files.PathOf("features.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--output", output, "--tz", "Europe/Berlin");

        Assert.True(exit == ExitCodes.Success, error);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(4, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["kind", "driver_id", "trip", "start_utc", "end_utc", "samples"], header[..6]);
        Assert.Equal(6 + 29, header.Length);
        Assert.StartsWith("trip,driver_7,1,2026-03-02T08:00:00.000Z,2026-03-02T08:10:00.000Z,601,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("trip,driver_7,2,2026-03-02T08:30:00.000Z,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("driver,driver_7,,2026-03-02T08:00:00.000Z,2026-03-02T08:40:00.000Z,1202,", lines[3], StringComparison.Ordinal);
        var km = double.Parse(lines[3].Split(',')[Array.IndexOf(header, "distance_km")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(km, 17.9, 18.1);
        Assert.Contains("read 1202 records, rejected 0", text, StringComparison.Ordinal);
        Assert.Contains("2 trips", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_trips_gives_a_driver_row_of_zero_totals_and_missing_rates_not_zeros()
    {
        var input = _files.PathOf("idle.csv");
        await File.WriteAllTextAsync(input, "timestamp,lat,lon\n");
        var output = _files.PathOf("features.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(2, lines.Length);
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        string Cell(string feature) => row[Array.IndexOf(header, feature)];
        Assert.Equal(("0", "0", "0"), (Cell("distance_km"), Cell("driving_hours"), Cell("trip_count")));
        // A share of no driving is 0/0: missing, not "never at night".
        Assert.Equal(("", "", ""), (Cell("night_share"), Cell("speeding_share"), Cell("harsh_braking_per_100km")));
        Assert.Contains("0 trips", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_holds_the_driver_and_each_trip_with_named_features()
    {
        var input = await _files.WriteTwoTripsAsync("d.csv");
        var output = _files.PathOf("features.json");

        var (exit, _, error) = await CliRunner.RunAsync("features", "--input", input, "--driver", "D-1", "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var driver = json.RootElement.GetProperty("driver");
        Assert.Equal("D-1", driver.GetProperty("driver_id").GetString());
        Assert.Equal(2, driver.GetProperty("trips").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("trips").GetArrayLength());
        var speed = json.RootElement.GetProperty("trips")[0].GetProperty("features").GetProperty("mean_speed_kmh").GetDouble();
        Assert.InRange(speed, 53.5, 54.5);
    }

    [Fact]
    public async Task An_output_that_is_the_input_is_a_usage_error_and_the_input_is_left_as_it_was()
    {
        var input = await _files.WriteTwoTripsAsync("drive.csv");
        var before = await File.ReadAllBytesAsync(input);

        var report = await CliRunner.RunAsync("features", "--input", input, "--report-bad", input, "--output", _files.PathOf("f.csv"));
        var output = await CliRunner.RunAsync("features", "--input", input, "--output", input);
        var both = await CliRunner.RunAsync("features", "--input", input, "--report-bad", _files.PathOf("f.csv"), "--output", _files.PathOf("f.csv"));
        var scores = await CliRunner.RunAsync("score", "--input", input, "--default", "--output", input);

        Assert.Equal((ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage), (report.Exit, output.Exit, both.Exit, scores.Exit));
        Assert.StartsWith($"--report-bad: '{input}' is the --input file", report.Error, StringComparison.Ordinal);
        Assert.StartsWith($"--output: '{input}' is the --input file", output.Error, StringComparison.Ordinal);
        Assert.StartsWith("--report-bad: ", both.Error, StringComparison.Ordinal);
        Assert.StartsWith($"--output: '{input}' is the --input file", scores.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(input));
        Assert.False(File.Exists(_files.PathOf("f.csv")));
    }

    [Fact]
    public async Task A_bad_record_without_report_bad_exits_3_naming_the_line_and_field()
    {
        var input = await _files.WriteTwoTripsAsync("bad.csv");
        var lines = (await File.ReadAllLinesAsync(input)).ToList();
        lines[5] = lines[5].Replace(",48.", ",north", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(input, lines);

        var (exit, _, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("out.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("Record 6, field 'lat'", error, StringComparison.Ordinal);
        // The record's text starts with its time and position: stderr of a scheduled run ends up in mail and logs.
        Assert.DoesNotContain(lines[5][..12], error, StringComparison.Ordinal);
        Assert.DoesNotContain("Raw:", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_files.PathOf("out.csv")));
    }

    [Theory]
    [InlineData("-62135596800000", "timestamp")]
    [InlineData("0", "timestamp")]
    [InlineData("253402300799000", "timestamp")]
    public async Task An_implausible_time_is_a_bad_record_as_in_the_host_upload(string timestamp, string field)
    {
        var input = await _files.WriteTwoTripsAsync("implausible.csv");
        var lines = (await File.ReadAllLinesAsync(input)).ToList();
        lines[5] = timestamp + lines[5][lines[5].IndexOf(',', StringComparison.Ordinal)..];
        await File.WriteAllLinesAsync(input, lines);

        var (exit, _, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("out.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"Record 6, field '{field}'", error, StringComparison.Ordinal);
        Assert.Contains("outside the plausible window", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_report_bad_the_bad_record_is_listed_the_rest_is_used_and_the_exit_says_partial_failure()
    {
        var input = await _files.WriteTwoTripsAsync("bad.csv");
        var lines = (await File.ReadAllLinesAsync(input)).ToList();
        lines[5] = lines[5].Replace(",48.", ",north", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(input, lines);
        var bad = _files.PathOf("bad-records.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("out.csv"), "--report-bad", bad);

        Assert.True(exit == ExitCodes.PartialFailure, error);
        var report = await File.ReadAllLinesAsync(bad);
        Assert.Equal(2, report.Length);
        Assert.StartsWith("6,\"lat\",", report[1], StringComparison.Ordinal);
        Assert.Contains("read 1202 records, rejected 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_a_usage_error_naming_the_option()
    {
        var input = await _files.WriteTwoTripsAsync("d.csv");

        var (exit, _, error) = await CliRunner.RunAsync("features", "--input", input, "--output", _files.PathOf("o.csv"), "--tz", "Mars/Olympus");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--tz", error, StringComparison.Ordinal);
    }
}
