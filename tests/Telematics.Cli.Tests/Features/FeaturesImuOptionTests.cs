using System.Globalization;
using Telematics.Cli.Tests.Events;

namespace Telematics.Cli.Tests.Features;

/// <summary><c>features</c> and <c>score</c> with <c>--imu</c>: a phone recording beside the GPS events feeds the harsh rates and phone time.</summary>
public sealed class FeaturesImuOptionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("telematics-features-imu-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task With_the_phone_recording_the_trips_harsh_rates_are_its_labelled_manoeuvres_per_100_km()
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 12);
        var withImu = Path.Combine(_root, "with-imu.csv");
        var gpsOnly = Path.Combine(_root, "gps-only.csv");

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", withImu);
        var plain = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--output", gpsOnly);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.True(plain.Exit == ExitCodes.Success, plain.Error);
        Assert.Contains("1 trips", text, StringComparison.Ordinal);
        Assert.Contains("phone: ", text, StringComparison.Ordinal);
        var row = FirstRow(withImu);
        var km = row["distance_km"];
        Assert.InRange(Count(row, "harsh_braking_per_100km", km), trip.BrakingRate.Min, trip.BrakingRate.Max);
        Assert.InRange(Count(row, "rapid_acceleration_per_100km", km), trip.AcceleratingRate.Min, trip.AcceleratingRate.Max);
        Assert.InRange(Count(row, "harsh_cornering_per_100km", km), trip.CorneringRate.Min, trip.CorneringRate.Max);
        Assert.True(row["phone_minutes_per_hour"] > 0);
        // The GPS file has no phone columns: without the phone recording, phone use is not measured (an empty cell), not 0.
        Assert.False(FirstRow(gpsOnly).ContainsKey("phone_minutes_per_hour"));
    }

    [Fact]
    public async Task Score_takes_the_phone_recording_too()
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 13);

        var (exit, text, error) = await CliRunner.RunAsync("score", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", Path.Combine(_root, "scores.csv"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("phone: ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--imu-mapping", "give --imu too")]
    [InlineData("--imu-frame", "give --imu too")]
    [InlineData("--imu", "--imu-mapping: give the phone sensor mapping")]
    public async Task Incomplete_phone_options_are_usage_errors_naming_the_option(string option, string message)
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 14);
        string[] value = option switch
        {
            "--imu-mapping" => [option, Path.Combine(_root, "mapping.json")],
            "--imu-frame" => [option, "device"],
            _ => [option, trip.PhoneDirectory],
        };

        var (exit, _, error) = await CliRunner.RunAsync(["features", "--input", trip.EventsFile, .. value, "--output", Path.Combine(_root, "f.csv")]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-recording", "--imu: '")]
    [InlineData("missing-mapping", "--imu-mapping: '")]
    [InlineData("malformed-mapping", "--imu-mapping: ")]
    public async Task A_phone_recording_or_mapping_missing_or_unreadable_is_an_input_error_not_a_usage_error(string problem, string message)
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 16);
        var mapping = Path.Combine(_root, "phone-mapping.json");
        await File.WriteAllTextAsync(mapping, problem == "malformed-mapping" ? "{ \"frame\": \"device\", " : "{}");
        string[] phone = problem switch
        {
            "missing-recording" => ["--imu", Path.Combine(_root, "no-such-recording"), "--imu-mapping", mapping],
            "missing-mapping" => ["--imu", trip.PhoneDirectory, "--imu-mapping", Path.Combine(_root, "no-such-mapping.json")],
            _ => ["--imu", trip.PhoneDirectory, "--imu-mapping", mapping],
        };

        var (exit, _, error) = await CliRunner.RunAsync(["features", "--input", trip.EventsFile, .. phone, "--output", Path.Combine(_root, "f.csv")]);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_record_in_the_phone_recording_fails_the_run_naming_the_file_record_and_field()
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 15);
        var accelerometer = Path.Combine(trip.PhoneDirectory, "accelerometer.csv");
        var lines = await File.ReadAllLinesAsync(accelerometer);
        var f = lines[100].Split(',');
        lines[100] = $"{f[0]},{f[1]},not-a-number,{f[3]}";
        await File.WriteAllLinesAsync(accelerometer, lines);
        var output = Path.Combine(_root, "f.csv");

        var (exit, _, error) = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", output);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("--imu: ", error, StringComparison.Ordinal);
        Assert.Contains("Record 101", error, StringComparison.Ordinal);
        Assert.Contains("field 'accelerometer.csv:y'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_last_phone_line_cut_off_by_a_killed_logger_is_skipped_with_a_warning_on_stderr()
    {
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 17);
        var accelerometer = Path.Combine(trip.PhoneDirectory, "accelerometer.csv");
        await File.AppendAllTextAsync(accelerometer, "1773648000040000000,0.1");
        var lines = File.ReadLines(accelerometer).Count();

        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", Path.Combine(_root, "f.csv"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("phone: ", text, StringComparison.Ordinal);
        Assert.Contains($"warning: --imu: {trip.PhoneDirectory}: line {lines} of accelerometer.csv", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phone_file_with_both_a_sensor_clock_and_a_wall_clock_lines_up_with_the_events_by_its_wall_clock()
    {
        // Sensor files as a logger writes them with both clocks (Unix ms and ns since boot), beside a GPS file with only
        // a wall clock: features needs UTC times and the GPS file has no other, so both read the wall clock, and events
        // detect finds what it finds in the files with one clock.
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 18);
        var original = Path.Combine(_root, "original");
        Directory.CreateDirectory(original);
        foreach (var name in new[] { "accelerometer.csv", "gyroscope.csv" })
        {
            var path = Path.Combine(trip.PhoneDirectory, name);
            File.Copy(path, Path.Combine(original, name));
            var rows = new List<string> { "timestamp,uptimeNanos,x,y,z" };
            foreach (var line in (await File.ReadAllLinesAsync(path)).Skip(1))
            {
                var comma = line.IndexOf(',', StringComparison.Ordinal);
                var ns = long.Parse(line.AsSpan(0, comma), CultureInfo.InvariantCulture);
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000},{ns - 1_773_648_000_000_000_000 + 3_600_000_000_000}{line[comma..]}"));
            }

            await File.WriteAllLinesAsync(path, rows);
        }

        var output = Path.Combine(_root, "f.csv");
        var (exit, text, error) = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", output);
        var bothClocks = await CliRunner.RunAsync("events", "detect", "--input", trip.PhoneDirectory, "--frame", "device", "--output", Path.Combine(_root, "both.csv"));
        var oneClock = await CliRunner.RunAsync("events", "detect", "--input", original, "--frame", "device", "--output", Path.Combine(_root, "one.csv"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("phone: ", text, StringComparison.Ordinal);
        var row = FirstRow(output);
        Assert.InRange(Count(row, "harsh_braking_per_100km", row["distance_km"]), trip.BrakingRate.Min, trip.BrakingRate.Max);
        Assert.True(bothClocks.Exit == ExitCodes.Success, bothClocks.Error);
        Assert.True(oneClock.Exit == ExitCodes.Success, oneClock.Error);
        var sensorClock = File.ReadAllLines(Path.Combine(_root, "both.csv"));
        Assert.StartsWith("event,", sensorClock[0], StringComparison.Ordinal);
        Assert.True(sensorClock.Length > 5);
        Assert.Equal(Manoeuvres(File.ReadAllLines(Path.Combine(_root, "one.csv"))), Manoeuvres(sensorClock));

        // Without the GPS file too: features reads the wall clock because it needs UTC, not because a file lacks the other.
        File.Delete(Path.Combine(trip.PhoneDirectory, "gps.csv"));
        var alone = await CliRunner.RunAsync("features", "--input", trip.EventsFile, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--output", Path.Combine(_root, "alone.csv"));
        Assert.True(alone.Exit == ExitCodes.Success, alone.Error);
        Assert.Contains("phone: ", alone.Output, StringComparison.Ordinal);
    }

    // Kind, offset from the recording's start, duration and peak: what events detect found, whatever the clock.
    private static string[] Manoeuvres(string[] lines) =>
        [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[0]},{f[4]},{f[5]},{f[6]}")];

    private static int Count(Dictionary<string, double> row, string rate, double km) => (int)Math.Round(row[rate] * km / 100.0);

    private static Dictionary<string, double> FirstRow(string csv)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        var values = lines[1].Split(',');
        var row = new Dictionary<string, double>();
        for (var i = 0; i < header.Length; i++)
        {
            if (double.TryParse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                row[header[i]] = value;
            }
        }

        return row;
    }
}
