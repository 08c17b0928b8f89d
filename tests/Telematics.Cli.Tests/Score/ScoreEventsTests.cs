namespace Telematics.Cli.Tests.Score;

public sealed class ScoreEventsTests : IDisposable
{
    private readonly EventFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Scoring_an_events_file_writes_one_row_with_score_category_model_and_factors()
    {
        var input = await _files.WriteTwoTripsAsync("driver_9.csv");
        var output = _files.PathOf("scores.csv");

        var (exit, text, error) = await CliRunner.RunAsync("score", "--input", input, "--default", "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal("driver_id,score,category,raw_output,model,version,experiment,variant,premium,currency,error,top_factors,out_of_range_share,confidence,score_low,score_high,category_settled", lines[0]);
        Assert.Equal(2, lines.Length);
        var cells = lines[1].Split(',');
        Assert.Equal("driver_9", cells[0]);
        Assert.InRange(double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), 0, 100);
        Assert.NotEmpty(cells[2]);
        Assert.Equal("builtin-rules", cells[4]);
        Assert.Equal(string.Empty, cells[6]);
        Assert.Equal(string.Empty, cells[8]);
        Assert.Equal(string.Empty, cells[10]);
        // The built-in rules record no sampling noise: no interval.
        Assert.Equal(["", "", ""], cells[^3..]);
        Assert.Contains("scored 1 of 1 drivers", text, StringComparison.Ordinal);
        Assert.DoesNotContain("settled", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_experiment_and_a_plan_add_the_variant_and_the_premium_to_each_row()
    {
        var input = await _files.WriteTwoTripsAsync("driver_9.csv");
        var experiment = _files.PathOf("exp.json");
        await File.WriteAllTextAsync(experiment, """
            {"name": "cli-test", "salt": "s1", "variants": [
              {"name": "left", "model": "builtin-rules@1", "weight_bp": 5000},
              {"name": "right", "model": "builtin-rules@1", "weight_bp": 5000}]}
            """);
        var output = _files.PathOf("scores.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--input", input, "--experiment", experiment,
            "--plan", Plan, "--period-days", "30", "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        var cells = (await File.ReadAllLinesAsync(output))[1].Split(',');
        Assert.Equal("cli-test", cells[6]);
        Assert.Contains(cells[7], new[] { "left", "right" });
        Assert.True(decimal.Parse(cells[8], System.Globalization.CultureInfo.InvariantCulture) > 0, cells[8]);
        Assert.Equal("EUR", cells[9]);
    }

    [Fact]
    public async Task An_experiment_naming_a_model_that_is_not_served_is_an_input_error_naming_it()
    {
        var input = await _files.WriteTwoTripsAsync("d.csv");
        var experiment = _files.PathOf("exp.json");
        await File.WriteAllTextAsync(experiment, """
            {"name": "cli-test", "salt": "s1", "variants": [{"name": "only", "model": "risk-gbm@3", "weight_bp": 10000}]}
            """);

        var (exit, _, error) = await CliRunner.RunAsync("score", "--input", input, "--experiment", experiment, "--output", _files.PathOf("s.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("risk-gbm", error, StringComparison.Ordinal);
    }

    private static readonly string Plan = Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json");

    [Fact]
    public async Task Giving_both_features_and_events_is_a_usage_error()
    {
        var input = await _files.WriteTwoTripsAsync("d.csv");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--input", input, "--features", input, "--output", _files.PathOf("s.csv"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("exactly one", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_events_file_exits_with_the_input_error_code()
    {
        var (exit, _, error) = await CliRunner.RunAsync("score", "--input", _files.PathOf("absent.csv"), "--output", _files.PathOf("s.csv"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("absent.csv", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_report_bad_a_fix_without_latitude_is_listed_and_the_driver_is_still_scored()
    {
        var input = await _files.WriteTwoTripsAsync("driver_7.csv");
        var lines = (await File.ReadAllLinesAsync(input)).ToList();
        lines[5] = lines[5].Replace(",48.", ",,", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(input, lines);
        var bad = _files.PathOf("bad-records.csv");
        var output = _files.PathOf("scores.csv");

        var (rejected, _, rejection) = await CliRunner.RunAsync("score", "--input", input, "--default", "--output", output);
        var (exit, text, error) = await CliRunner.RunAsync("score", "--input", input, "--default", "--output", output, "--report-bad", bad);

        Assert.Equal(ExitCodes.InputError, rejected);
        Assert.Contains("field 'lat'", rejection, StringComparison.Ordinal);
        Assert.True(exit == ExitCodes.PartialFailure, error);
        var report = await File.ReadAllLinesAsync(bad);
        Assert.Equal(2, report.Length);
        Assert.StartsWith("6,\"lat\",", report[1], StringComparison.Ordinal);
        Assert.Contains("rejected 1", text, StringComparison.Ordinal);
        Assert.Equal("driver_7", (await File.ReadAllLinesAsync(output))[1].Split(',')[0]);
    }

    [Fact]
    public async Task An_events_file_without_a_trip_is_not_scored_as_the_safest_driver_but_reported_as_failed()
    {
        var input = _files.PathOf("driver_0.csv");
        await File.WriteAllTextAsync(input, "timestamp,lat,lon\n");
        var output = _files.PathOf("scores.csv");

        var (exit, text, error) = await CliRunner.RunAsync("score", "--input", input, "--default", "--output", output);

        // Before, its vector of zeros was scored 2.39, "excellent".
        Assert.True(exit == ExitCodes.PartialFailure, error);
        var lines = await File.ReadAllLinesAsync(output);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("driver_0,,,,,,,,,,\"Driver 'driver_0' has no trips", lines[1], StringComparison.Ordinal);
        Assert.Contains("scored 0 of 1 drivers, 1 failed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_features_row_with_no_trips_is_refused_and_the_others_are_scored_in_their_places()
    {
        var features = _files.PathOf("f.csv");
        await File.WriteAllTextAsync(features, "driver_id,trip_count,distance_km,driving_hours\nnone,0,0,0\nsome,3,42,0.8\nunknown,,,\n");
        var output = _files.PathOf("o.csv");

        var (exit, text, error) = await CliRunner.RunAsync("score", "--features", features, "--default", "--output", output);

        Assert.True(exit == ExitCodes.PartialFailure, error);
        var rows = (await File.ReadAllLinesAsync(output))[1..].Select(l => l.Split(',')).ToArray();
        Assert.Equal(["none", "some", "unknown"], rows.Select(r => r[0]));
        Assert.Equal(["", "builtin-rules", ""], rows.Select(r => r[4]));
        // A row of nothing but blanks is no driving either: scored, its blanks read as the population's typical driver.
        Assert.Contains("Driver 'unknown' has no trips", string.Join(',', rows[2]), StringComparison.Ordinal);
        Assert.Contains("scored 1 of 3 drivers, 2 failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_bad_with_a_features_csv_is_a_usage_error()
    {
        var features = _files.PathOf("f.csv");
        await File.WriteAllTextAsync(features, "driver_id\n");

        var (exit, _, error) = await CliRunner.RunAsync("score", "--features", features, "--output", _files.PathOf("o.csv"), "--report-bad", _files.PathOf("b.csv"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--report-bad", error, StringComparison.Ordinal);
    }
}
