using System.Globalization;
using System.Text.Json;

namespace Telematics.Cli.Tests.Events;

/// <summary><c>events simulate</c> then <c>events detect</c>: the manoeuvres of a phone trip in an unknown mounting, from a directory of per-sensor files.</summary>
public sealed class EventsDetectCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("telematics-events-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("device", "cupholder")]
    [InlineData("earth", "pocket")]
    public async Task Detect_lists_the_simulated_trips_aggressive_manoeuvres_from_per_sensor_files(string frame, string mounting)
    {
        var trip = Path.Combine(_root, frame);
        var (simulated, simulateText, simulateError) = await CliRunner.RunAsync("events", "simulate", "--output", trip, "--frame", frame, "--mounting", mounting, "--seed", "4");
        Assert.True(simulated == ExitCodes.Success, simulateError);
        Assert.Contains("accelerometer.csv", simulateText, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(trip, "gps.csv")));

        var output = Path.Combine(_root, frame + ".csv");
        var (exit, text, error) = await CliRunner.RunAsync("events", "detect", "--input", trip, "--frame", frame, "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("manoeuvres", text, StringComparison.Ordinal);
        var truth = (await File.ReadAllLinesAsync(Path.Combine(trip, "truth.csv"))).Skip(1).Select(l => l.Split(',')).Where(f => f[0] is not "calm" and not "phone_handling").ToList();
        var found = (await File.ReadAllLinesAsync(output)).Skip(1).Select(l => l.Split(',')).Where(f => f[0] != "phone_handling").ToList();
        var matched = truth.Count(t => found.Any(f => f[0] == t[0] && Overlaps(f[1], f[2], t[2], t[3])));
        Assert.True(matched >= truth.Count * 0.9, $"{matched} of {truth.Count} labelled manoeuvres listed");
        Assert.True(found.Count <= truth.Count + 2, $"{found.Count} listed for {truth.Count} labelled");
    }

    [Fact]
    public async Task Json_output_lists_manoeuvres_and_phone_handling()
    {
        var trip = Path.Combine(_root, "json");
        await CliRunner.RunAsync("events", "simulate", "--output", trip, "--seed", "2");
        var output = Path.Combine(_root, "events.json");

        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", trip, "--frame", "device", "--output", output);

        Assert.True(exit == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal("device", document.RootElement.GetProperty("frame").GetString());
        Assert.True(document.RootElement.GetProperty("manoeuvres").GetArrayLength() > 10);
        Assert.True(document.RootElement.GetProperty("phone_handling").GetArrayLength() >= 1);
    }

    [Fact]
    public async Task A_merged_file_in_ios_convention_read_with_the_documented_ios_mapping_tells_left_from_right()
    {
        var trip = Path.Combine(_root, "merged");
        await CliRunner.RunAsync("events", "simulate", "--output", trip, "--mounting", "dashboard", "--seed", "6");
        var merged = Path.Combine(_root, "trip.csv");
        var (rows, startNs) = MergedIosRows(trip);
        await File.WriteAllLinesAsync(merged, rows);

        var (exit, text, error) = await CliRunner.RunAsync("events", "detect", "--input", merged, "--mapping", RepositoryFile("docs/mappings/phone-merged-ios.json"), "--output-format", "json");

        Assert.True(exit == ExitCodes.Success, error);
        using var document = JsonDocument.Parse(text);
        var found = document.RootElement.GetProperty("manoeuvres").EnumerateArray()
            .Select(m => (Kind: m.GetProperty("event").GetString()!, Start: Seconds(m.GetProperty("start").GetString()!), End: Seconds(m.GetProperty("end").GetString()!)))
            .ToList();
        Assert.Equal(6, found.Select(f => f.Kind).ToHashSet().Count);

        // Core Motion's acceleration is the negative of Android's: read as Android's, the vertical would point down and
        // mirror the road, so every left turn and lane change would come out as a right one.
        var truth = (await File.ReadAllLinesAsync(Path.Combine(trip, "truth.csv"))).Skip(1).Select(l => l.Split(','))
            .Where(t => t[0] is "harsh_left_turn" or "harsh_right_turn" or "aggressive_left_lane_change" or "aggressive_right_lane_change")
            .Select(t => (Kind: t[0], Start: Elapsed(t[2], startNs), End: Elapsed(t[3], startNs)))
            .ToList();
        var matched = truth.Count(t => found.Any(f => f.Kind == t.Kind && f.Start < t.End && t.Start < f.End));
        Assert.True(matched >= truth.Count * 0.9, $"{matched} of {truth.Count} left and right manoeuvres found with their side");
    }

    [Fact]
    public async Task A_directory_without_a_frame_or_mapping_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", _root);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--frame", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_that_does_not_exist_is_an_input_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", Path.Combine(_root, "no-such-recording"), "--frame", "earth");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.StartsWith("--input: '", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_reading_names_its_file_line_and_column()
    {
        var trip = Path.Combine(_root, "bad");
        Directory.CreateDirectory(trip);
        await File.WriteAllTextAsync(Path.Combine(trip, "accelerometer.csv"), "time,x,y,z\n1773648000000000000,0.1,0.2,9.8\n1773648000020000000,0.1,abc,9.8\n");
        await File.WriteAllTextAsync(Path.Combine(trip, "gyroscope.csv"), "time,x,y,z\n1773648000000000000,0,0,0\n");

        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", trip, "--frame", "earth");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("Record 3, field 'accelerometer.csv:y'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_last_line_cut_off_by_a_killed_logger_is_skipped_with_a_warning()
    {
        var trip = Path.Combine(_root, "cut");
        await CliRunner.RunAsync("events", "simulate", "--output", trip, "--seed", "3");
        await File.AppendAllTextAsync(Path.Combine(trip, "accelerometer.csv"), "1773648000040000000,0.1");
        var lines = File.ReadLines(Path.Combine(trip, "accelerometer.csv")).Count();

        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", trip, "--frame", "device", "--output", Path.Combine(_root, "cut.csv"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains($"line {lines} of accelerometer.csv", error, StringComparison.Ordinal);
        Assert.Contains("warning:", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The per-sensor files as one iOS-style merged file: seconds since the first reading, accelerations in g in Core
    /// Motion's sign (−1 g on the upward axis at rest, the negative of Android's), one sensor per row.
    /// </summary>
    private static (List<string> Rows, long StartNs) MergedIosRows(string directory)
    {
        var rows = new List<(long Time, string Row)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "accelerometer.csv")).Skip(1))
        {
            var f = line.Split(',');
            var g = f[1..].Select(v => (-double.Parse(v, CultureInfo.InvariantCulture) / 9.80665).ToString("R", CultureInfo.InvariantCulture)).ToArray();
            rows.Add((long.Parse(f[0], CultureInfo.InvariantCulture), $"{g[0]},{g[1]},{g[2]},,,"));
        }

        foreach (var line in File.ReadLines(Path.Combine(directory, "gyroscope.csv")).Skip(1))
        {
            var f = line.Split(',');
            rows.Add((long.Parse(f[0], CultureInfo.InvariantCulture), $",,,{f[1]},{f[2]},{f[3]}"));
        }

        var start = rows.Min(r => r.Time);
        var lines = new List<string> { "seconds_elapsed,accel_x,accel_y,accel_z,rot_x,rot_y,rot_z" };
        lines.AddRange(rows.OrderBy(r => r.Time).Select(r => $"{((r.Time - start) / 1e9).ToString("F4", CultureInfo.InvariantCulture)},{r.Row}"));
        return (lines, start);
    }

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static double Elapsed(string iso, long startNs) =>
        ((new DateTimeOffset(DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).ToUnixTimeMilliseconds() * 1_000_000L) - startNs) / 1e9;

    private static string RepositoryFile(string path)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, path);
    }

    private static bool Overlaps(string aStart, string aEnd, string bStart, string bEnd)
    {
        static DateTime T(string s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        return T(aStart) < T(bEnd) && T(bStart) < T(aEnd);
    }
}
