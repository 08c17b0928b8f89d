using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Cli.Tests;

/// <summary>Writes small events files in the SDK's own CSV columns into a temporary folder deleted on dispose.</summary>
internal sealed class EventFiles : IDisposable
{
    /// <summary>2026-03-02 08:00:00 UTC, a Monday.</summary>
    public const long Start = 1_772_438_400_000;

    public EventFiles() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}");

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// Two trips of 600 s at 15 m/s due north (9 km each) at 1 Hz, 20 minutes apart: the 300 s gap rule splits them.
    /// The first starts at <paramref name="startMs"/> (Unix ms; default <see cref="Start"/>).
    /// </summary>
    public async Task<string> WriteTwoTripsAsync(string name, long startMs = Start)
    {
        var samples = new SampleBuffer(1300);
        AddTrip(samples, startMs, 48.0);
        AddTrip(samples, startMs + 1_800_000, 48.2);
        var path = PathOf(name);
        await using (var writer = CsvSampleWriter.FromStream(File.Create(path)))
        {
            await writer.WriteAsync(samples);
        }

        return path;
    }

    /// <summary><paramref name="count"/> trips like those of <see cref="WriteTwoTripsAsync"/>, each 30 minutes after the last.</summary>
    public async Task<string> WriteTripsAsync(string name, int count, long startMs = Start)
    {
        var samples = new SampleBuffer(count * 601);
        for (var i = 0; i < count; i++)
        {
            AddTrip(samples, startMs + (i * 1_800_000L), 48.0 + (0.2 * (i % 2)));
        }

        var path = PathOf(name);
        await using (var writer = CsvSampleWriter.FromStream(File.Create(path)))
        {
            await writer.WriteAsync(samples);
        }

        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static void AddTrip(SampleBuffer samples, long startMs, double startLatitude)
    {
        const double metresPerDegree = 111_195.0;
        for (var s = 0; s <= 600; s++)
        {
            samples.Add(new TelematicsSample(startMs + (s * 1000L), startLatitude + (s * 15.0 / metresPerDegree), 11.0)
            {
                SpeedMps = 15f,
                HeadingDeg = 0f,
                GpsAccuracyM = 5f,
            });
        }
    }
}
