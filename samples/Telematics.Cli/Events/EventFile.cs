namespace Telematics.Cli.Events;

/// <summary>One driver's events file, resolved from the command line: path, format, CSV mapping, driver and zone.</summary>
internal sealed record EventFile(string Path, EventFormat Format, string? MappingPath, string DriverId, TimeZoneInfo Zone)
{
    /// <summary>A phone recording of (part of) the same time (<c>--imu</c>), or null.</summary>
    public PhoneRecording? Phone { get; init; }

    public static EventFormat ParseFormat(string? format, string fileName) => format switch
    {
        "csv" => EventFormat.Csv,
        "ndjson" => EventFormat.Ndjson,
        "bin" => EventFormat.Binary,
        null => System.IO.Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => EventFormat.Csv,
            ".ndjson" or ".jsonl" => EventFormat.Ndjson,
            ".bin" => EventFormat.Binary,
            var other => throw new ArgumentException($"--format: cannot tell the format from the extension '{other}' of {fileName}; give --format csv|ndjson|bin."),
        },
        _ => throw new ArgumentException($"--format: '{format}' is not one of csv, ndjson, bin."),
    };
}
