using System.Globalization;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Cli.Events;

/// <summary>
/// A phone recording given beside an events file (<c>--imu PATH --imu-mapping FILE</c> or <c>--imu-frame</c>): read as
/// <c>events detect</c> reads it, analysed into manoeuvres, covered spans and handling spans on the Unix clock, for the
/// trip features (<see cref="Features.Pipeline.DriverFeaturePipeline.Imu"/>) and for storing with the trips.
/// </summary>
internal sealed record PhoneRecording(FileSystemInfo Path, ImuMapping Layout)
{
    /// <summary>
    /// The recording of the parsed options, or null without <c>--imu</c>; throws <see cref="ArgumentException"/> naming the
    /// option for a wrong combination, <see cref="FileNotFoundException"/> for a path that does not exist and
    /// <see cref="TelematicsFormatException"/> for a mapping that cannot be read.
    /// </summary>
    public static PhoneRecording? Resolve(FileSystemInfo? input, FileInfo? mapping, string? frame)
    {
        if (input is null)
        {
            if (mapping is not null || frame is not null)
            {
                throw new ArgumentException($"{(mapping is not null ? "--imu-mapping" : "--imu-frame")}: applies to a phone recording; give --imu too.");
            }

            return null;
        }

        if (!input.Exists)
        {
            // A missing input is an input error (exit 3), not a usage error.
            throw new FileNotFoundException($"--imu: '{input.FullName}' does not exist.", input.FullName);
        }

        if (mapping is not null)
        {
            if (frame is not null)
            {
                throw new ArgumentException("--imu-frame: the mapping declares the frame; give one or the other.");
            }

            if (!mapping.Exists)
            {
                throw new FileNotFoundException($"--imu-mapping: '{mapping.FullName}' does not exist.", mapping.FullName);
            }

            try
            {
                return new PhoneRecording(input, ImuMapping.Load(mapping.FullName));
            }
            catch (TelematicsFormatException e)
            {
                throw new TelematicsFormatException($"--imu-mapping: {mapping.FullName}: {e.Message}", e);
            }
        }

        if (frame is null)
        {
            throw new ArgumentException("--imu-mapping: give the phone sensor mapping (docs/mappings/), or --imu-frame device|earth for a directory of per-sensor time,x,y,z files.");
        }

        if (input is not DirectoryInfo)
        {
            throw new ArgumentException("--imu-mapping: a single merged phone file needs a mapping naming its columns; without one, give a directory of per-sensor files.");
        }

        return new PhoneRecording(input, ImuMapping.PerSensorFiles(frame == "earth" ? SensorFrame.Earth : SensorFrame.Device));
    }

    /// <summary>Reads and analyses the recording; a bad record throws <see cref="TelematicsFormatException"/> naming record and field.</summary>
    /// <exception cref="TelematicsFormatException">A bad record, missing sensors, or times on a clock that cannot be lined up with the events.</exception>
    public async Task<PhoneEvidence> AnalyzeAsync(CancellationToken cancellationToken)
    {
        // Its times must line up with the events' UTC times: a file with both clocks is read by its wall clock (the
        // sensor clock counts from boot), as a file of the recording with only a wall clock is.
        var reader = new ImuLogReader(Layout, new ImuReaderOptions { BadRecords = BadRecordHandling.Reject, PreferWallClock = true });
        var recording = new ImuRecording();
        if (Path is DirectoryInfo directory)
        {
            await reader.ReadDirectoryAsync(directory.FullName, recording, cancellationToken);
        }
        else
        {
            await reader.ReadMergedFileAsync(Path.FullName, recording, cancellationToken);
        }

        if (!recording.IsEpochTime)
        {
            throw new TelematicsFormatException(
                "time: the phone's times are on a monotonic clock (time since boot), which cannot be lined up with the events' UTC times; give a recording with epoch or wall-clock times.");
        }

        var evidence = new ImuTripEvidence();
        try
        {
            new PhoneTripAnalyzer().AnalyzeInto(recording, evidence, unixOffsetNs: 0);
        }
        catch (ArgumentException e)
        {
            throw new TelematicsFormatException(e.Message, e);
        }

        return new PhoneEvidence(evidence, reader.Warnings);
    }
}

/// <summary>What a phone recording contributes to the trips, with a one-line summary and what its reader skipped with a warning.</summary>
internal sealed record PhoneEvidence(ImuTripEvidence Evidence, IReadOnlyList<IngestError> Warnings)
{
    public string Summary()
    {
        long coveredMs = 0;
        var starts = Evidence.CoverageStartUnixMs;
        var ends = Evidence.CoverageEndUnixMs;
        for (var i = 0; i < starts.Length; i++)
        {
            coveredMs += ends[i] - starts[i];
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"phone: {Evidence.ManoeuvreCount} manoeuvres, {Evidence.HandlingCount} handling spans, {coveredMs / 60_000.0:F1} min scored by the motion sensors");
    }
}
