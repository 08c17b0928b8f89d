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
    public async Task A_directory_without_a_frame_or_mapping_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("events", "detect", "--input", _root);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--frame", error, StringComparison.Ordinal);
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

    private static bool Overlaps(string aStart, string aEnd, string bStart, string bEnd)
    {
        static DateTime T(string s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        return T(aStart) < T(bEnd) && T(bStart) < T(aEnd);
    }
}
