using System.CommandLine;

using Telematics.Features.Ingest;

namespace Telematics.Cli.Events;

/// <summary>The options every command that reads an events file shares: format, CSV mapping, driver id, time zone and a phone recording.</summary>
internal sealed class EventFileOptions
{
    public EventFileOptions(bool inputRequired)
    {
        Input = new Option<FileInfo>("--input") { Description = "Events file (CSV, NDJSON or the binary format).", Required = inputRequired };
        Format = new Option<string?>("--format") { Description = "csv, ndjson or bin; default: from the file extension (.csv, .ndjson/.jsonl, .bin)." };
        Format.AcceptOnlyFromAmong("csv", "ndjson", "bin");
        Mapping = new Option<FileInfo?>("--mapping") { Description = "JSON column mapping for CSV input (see docs/mappings); default: the SDK's own CSV columns." };
        Driver = new Option<string?>("--driver") { Description = "Driver id the file belongs to; default: the file name without its extension." };
        Zone = new Option<string>("--tz") { Description = "The driver's IANA time zone, for the local time-of-day features.", DefaultValueFactory = _ => "UTC" };
        Imu = new Option<FileSystemInfo?>("--imu")
        {
            Description = "A phone recording of (part of) the same time, with epoch times: a directory of per-sensor files or one merged file, as 'events detect' reads it. " +
                "Where its motion sensors cover a trip, their manoeuvres make the harsh braking/acceleration/cornering counts instead of the GPS-derived ones, and its phone-handling spans add to phone time.",
        };
        ImuMapping = new Option<FileInfo?>("--imu-mapping") { Description = "JSON phone sensor mapping of the --imu recording (docs/formats/phone-sensors.md, docs/mappings/)." };
        ImuFrame = new Option<string?>("--imu-frame") { Description = "device or earth: the frame of a per-sensor --imu directory (time,x,y,z files) read without --imu-mapping." };
        ImuFrame.AcceptOnlyFromAmong("device", "earth");
    }

    public Option<FileInfo> Input { get; }

    public Option<string?> Format { get; }

    public Option<FileInfo?> Mapping { get; }

    public Option<string?> Driver { get; }

    public Option<string> Zone { get; }

    public Option<FileSystemInfo?> Imu { get; }

    public Option<FileInfo?> ImuMapping { get; }

    public Option<string?> ImuFrame { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Input);
        command.Options.Add(Format);
        command.Options.Add(Mapping);
        command.Options.Add(Driver);
        command.Options.Add(Zone);
        command.Options.Add(Imu);
        command.Options.Add(ImuMapping);
        command.Options.Add(ImuFrame);
    }

    /// <summary>
    /// Resolves the parsed values, or writes why not to <paramref name="error"/> and returns the exit code: usage (2) for a
    /// bad value or combination, input (3) for a phone recording or mapping that is missing or cannot be read.
    /// </summary>
    public int? TryResolve(ParseResult parse, TextWriter error, out EventFile file)
    {
        file = null!;
        try
        {
            file = Resolve(parse);
            return null;
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is FileNotFoundException or TelematicsFormatException)
        {
            error.WriteLine(e.Message);
            return ExitCodes.InputError;
        }
    }

    /// <summary>Resolves the parsed values; throws <see cref="ArgumentException"/> naming the option on a bad value.</summary>
    public EventFile Resolve(ParseResult parse)
    {
        var input = parse.GetValue(Input) ?? throw new ArgumentException("--input: give an events file.");
        var format = EventFile.ParseFormat(parse.GetValue(Format), input.Name);
        var mapping = parse.GetValue(Mapping);
        if (mapping is not null && format != EventFormat.Csv)
        {
            throw new ArgumentException("--mapping: a column mapping applies to CSV input only.");
        }

        var zoneId = parse.GetValue(Zone) ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            throw new ArgumentException($"--tz: '{zoneId}' is not a known time zone (use an IANA id such as Europe/Berlin).");
        }

        var driver = parse.GetValue(Driver);
        if (string.IsNullOrWhiteSpace(driver))
        {
            driver = Path.GetFileNameWithoutExtension(input.Name);
        }

        return new EventFile(input.FullName, format, mapping?.FullName, driver, zone)
        {
            Phone = PhoneRecording.Resolve(parse.GetValue(Imu), parse.GetValue(ImuMapping), parse.GetValue(ImuFrame)),
        };
    }
}
