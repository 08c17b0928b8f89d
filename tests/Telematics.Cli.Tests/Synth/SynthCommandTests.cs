using System.CommandLine;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Synth;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"synth-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_cancelled_after_its_first_driver_leaves_no_population_files()
    {
        using var stop = new CancellationTokenSource();
        // On another thread: the run may not yield to this one until it ends.
        var run = Task.Run(() => CliApp.InvokeAsync(["synth", "--drivers", "200", "--days", "3", "--seed", "7", "--output", _folder], new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, stop.Token));
        // drivers.csv, features.csv and two events files (or their partial files) are there once the first driver is done.
        while (!run.IsCompleted && (!Directory.Exists(_folder) || Directory.GetFileSystemEntries(_folder).Length < 4))
        {
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        var exit = await run;

        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.False(File.Exists(Path.Combine(_folder, "drivers.csv")));
        Assert.False(File.Exists(Path.Combine(_folder, "features.csv")));
        Assert.Empty(Directory.GetFiles(_folder, "*.partial"));
    }

    [Fact]
    public async Task Synth_writes_the_population_and_one_events_file_per_driver_that_features_can_read()
    {
        var (exit, text, error) = await CliRunner.RunAsync("synth", "--drivers", "2", "--days", "2", "--seed", "7", "--output", _folder);

        Assert.True(exit == ExitCodes.Success, error);
        var population = await File.ReadAllLinesAsync(Path.Combine(_folder, "drivers.csv"));
        Assert.Equal(3, population.Length);
        Assert.StartsWith("driver_id,age_band,region,vehicle_class,annual_km,true_lambda,exposure_years,claims,events_file", population[0], StringComparison.Ordinal);
        Assert.Contains("samples/s", text, StringComparison.Ordinal);
        var eventsFile = Path.Combine(_folder, population[1].Split(',')[^1]);
        Assert.True(File.Exists(eventsFile));

        var features = await CliRunner.RunAsync("features", "--input", eventsFile, "--tz", "America/Chicago", "--output", Path.Combine(_folder, "f.csv"));
        Assert.True(features.Exit == ExitCodes.Success, features.Error);
    }

    [Fact]
    public async Task Synth_writes_each_drivers_features_as_the_features_command_computes_them_and_score_reads_them()
    {
        var withEvents = Path.Combine(_folder, "events");
        var featuresOnly = Path.Combine(_folder, "features-only");
        var full = await CliRunner.RunAsync("synth", "--drivers", "2", "--days", "3", "--seed", "7", "--output", withEvents);
        var lean = await CliRunner.RunAsync("synth", "--drivers", "2", "--days", "3", "--seed", "7", "--features-only", "--output", featuresOnly);

        Assert.True(full.Exit == ExitCodes.Success, full.Error);
        Assert.True(lean.Exit == ExitCodes.Success, lean.Error);
        // --features-only writes the same population and features, and no events files.
        Assert.Equal(["drivers.csv", "features.csv"], Directory.GetFiles(featuresOnly).Select(Path.GetFileName).Order());
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(withEvents, "features.csv")), await File.ReadAllTextAsync(Path.Combine(featuresOnly, "features.csv")));
        var rows = await File.ReadAllLinesAsync(Path.Combine(featuresOnly, "features.csv"));
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("driver_id,observed_days,distance_km,", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("D000001,3,", rows[2], StringComparison.Ordinal);

        // The same vector as `features` computes from the driver's events file in the population's time zone.
        var computed = Path.Combine(_folder, "D000001.features.csv");
        var features = await CliRunner.RunAsync("features", "--input", Path.Combine(withEvents, "D000001.csv"), "--tz", "America/Chicago", "--output", computed);
        Assert.True(features.Exit == ExitCodes.Success, features.Error);
        var table = await File.ReadAllLinesAsync(computed);
        var expected = Columns(table[0], table.Single(l => l.StartsWith("driver,", StringComparison.Ordinal)));
        var written = Columns(rows[0], rows[2]);
        foreach (var feature in Telematics.Features.Schema.TelematicsFeatures.Schema.Features)
        {
            Assert.Equal(expected[feature.Name], written[feature.Name]);
        }

        // `score --features` reads the file as it is: every feature found, each driver's window from observed_days.
        var scores = Path.Combine(_folder, "scores.csv");
        var score = await CliRunner.RunAsync("score", "--features", Path.Combine(featuresOnly, "features.csv"), "--model", ShippedModelFolder(), "--output", scores);
        Assert.True(score.Exit == ExitCodes.Success, score.Error);
        Assert.DoesNotContain("warning", score.Error, StringComparison.Ordinal);
        Assert.Equal(3, (await File.ReadAllLinesAsync(scores)).Length);

        static Dictionary<string, string> Columns(string header, string row) =>
            header.Split(',').Zip(row.Split(',')).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

        static string ShippedModelFolder() => Path.Combine(RepositoryRoot.Path, "src", "Telematics.Scoring", "Shipped", "telematics-frequency");
    }

    [Fact]
    public async Task Start_moves_the_simulated_days_and_without_it_the_files_start_on_the_fixed_day()
    {
        var moved = await CliRunner.RunAsync("synth", "--drivers", "1", "--days", "2", "--seed", "3", "--start", "2026-11-20", "--tz", "UTC", "--output", Path.Combine(_folder, "moved"));
        var fixedDay = await CliRunner.RunAsync("synth", "--drivers", "1", "--days", "2", "--seed", "3", "--tz", "UTC", "--output", Path.Combine(_folder, "fixed"));

        Assert.True(moved.Exit == ExitCodes.Success, moved.Error);
        Assert.True(fixedDay.Exit == ExitCodes.Success, fixedDay.Error);
        Assert.Equal(new DateOnly(2026, 11, 20), FirstDay(Path.Combine(_folder, "moved")));
        Assert.Equal(new DateOnly(2026, 3, 16), FirstDay(Path.Combine(_folder, "fixed")));

        static DateOnly FirstDay(string folder)
        {
            var first = File.ReadLines(Path.Combine(folder, "D000000.csv")).Skip(1).First();
            var ms = long.Parse(first[..first.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            return DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime);
        }
    }

    [Fact]
    public async Task Zero_drivers_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("synth", "--drivers", "0", "--days", "2", "--output", _folder);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--drivers", error, StringComparison.Ordinal);
    }
}
