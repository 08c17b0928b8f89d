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
