using System.IO.Pipelines;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;

namespace Telematics.Api.Ingest;

/// <summary>
/// The body of <c>POST /telematics/drivers/{driverId}/phone-recordings</c>: a phone logger's per-sensor CSV files as the
/// parts of a <c>multipart/form-data</c> body (what Android and iOS sensor loggers write, <c>time,x,y,z</c> each; see
/// <c>docs/formats/phone-sensors.md</c>), read and analysed into the evidence the trip features take.
/// </summary>
internal static class PhoneRecordingForm
{
    /// <summary>The media type of the body.</summary>
    public const string MediaType = "multipart/form-data";

    /// <summary>The file names a part may carry, as the per-sensor layout names them (case, spaces and punctuation aside).</summary>
    public static IReadOnlyList<string> FileNames { get; } = [.. ImuMapping.PerSensorFiles(SensorFrame.Device).Files.Select(f => f.Name)];

    /// <summary>Reads every file part and analyses the recording; a bad part or record throws <see cref="BadPhoneRecordingException"/>, naming it.</summary>
    /// <param name="files">The body's file parts.</param>
    /// <param name="frame">The axes the logger wrote.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The recording's covered spans, manoeuvres and handling spans on the Unix clock.</returns>
    public static async Task<ImuTripEvidence> AnalyzeAsync(IFormFileCollection files, SensorFrame frame, CancellationToken cancellationToken)
    {
        var mapping = ImuMapping.PerSensorFiles(frame);
        var reader = new ImuLogReader(mapping, new ImuReaderOptions { BadRecords = BadRecordHandling.Reject });
        var recording = new ImuRecording();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var layout = Find(mapping, file.FileName)
                ?? throw new BadPhoneRecordingException(file.FileName, 0, "files", $"'{file.FileName}' is not a sensor file of the per-sensor layout: send {string.Join(", ", FileNames)}.");
            if (!seen.Add(layout.Name))
            {
                throw new BadPhoneRecordingException(file.FileName, 0, "files", $"'{file.FileName}' is a second {layout.Name}; send each sensor once.");
            }

            await using var stream = file.OpenReadStream();
            try
            {
                await reader.ReadFileAsync(PipeReader.Create(stream), layout, recording, cancellationToken);
            }
            catch (TelematicsFormatException bad)
            {
                throw new BadPhoneRecordingException(file.FileName, bad.Record, bad.Field ?? "body", bad.Reason);
            }
        }

        try
        {
            reader.Complete(recording);
        }
        catch (TelematicsFormatException bad)
        {
            throw new BadPhoneRecordingException(null, 0, bad.Field ?? "files", bad.Reason);
        }

        if (recording.Accelerometer.Count == 0 && recording.LinearAcceleration.Count == 0)
        {
            throw new BadPhoneRecordingException(null, 0, "files", "no accelerometer or linear acceleration readings were read: send accelerometer.csv or linear_acceleration.csv.");
        }

        if (recording.Gyroscope.Count == 0)
        {
            throw new BadPhoneRecordingException(null, 0, "files", "no gyroscope readings were read (the vehicle's yaw and the phone's handling come from it): send gyroscope.csv.");
        }

        if (!recording.IsEpochTime)
        {
            throw new BadPhoneRecordingException(null, 0, "time",
                "the phone's times are on a monotonic clock (time since boot), which cannot be lined up with the trips' UTC times; send epoch or wall-clock times.");
        }

        var evidence = new ImuTripEvidence();
        try
        {
            new PhoneTripAnalyzer().AnalyzeInto(recording, evidence, unixOffsetNs: 0);
        }
        catch (ArgumentException e)
        {
            throw new BadPhoneRecordingException(null, 0, "files", e.Message);
        }

        if (evidence.CoverageCount == 0 && evidence.ManoeuvreCount == 0 && evidence.HandlingCount == 0)
        {
            // Nothing to store: an answer of "stored" would hide a recording the analysis could not use.
            throw new BadPhoneRecordingException(null, 0, "files",
                "the recording holds no span the motion sensors could score (too short, the phone never at rest, or no forward direction found).");
        }

        return evidence;
    }

    // By exact name, else ignoring case, spaces and punctuation ("Linear Acceleration.csv"), as the recording directory is read.
    private static ImuFileMapping? Find(ImuMapping mapping, string name)
    {
        var key = Normalize(name);
        foreach (var file in mapping.Files)
        {
            if (string.Equals(file.Name, name, StringComparison.Ordinal) || Normalize(file.Name) == key)
            {
                return file;
            }
        }

        return null;
    }

    private static string Normalize(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();
}

/// <summary>A part or record of a phone recording that cannot be read; nothing of the recording is stored.</summary>
/// <param name="file">The part's file name; null for the recording as a whole.</param>
/// <param name="record">The line in that file (1-based), 0 when no line is at fault.</param>
/// <param name="field">The field or column at fault, or <c>files</c>/<c>time</c> for the recording.</param>
/// <param name="reason">What is wrong.</param>
internal sealed class BadPhoneRecordingException(string? file, long record, string field, string reason) : Exception(reason)
{
    public string? File { get; } = file;

    public long Record { get; } = record;

    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
