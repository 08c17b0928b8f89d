using Telematics.Cli.Output;
using Telematics.Features.Ingest;
using Telematics.Features.Samples;

namespace Telematics.Cli.Events;

/// <summary>The result of running an events file for a command: the pipeline result, or the exit code to return.</summary>
internal readonly record struct EventCommandOutcome(EventPipelineResult? Result, int ExitCode);

/// <summary>Runs an events file through the pipeline and turns reader failures into messages and exit codes.</summary>
internal static class EventCommandRunner
{
    /// <param name="reportBadPath">Skip-and-report mode writing the bad records here; null for reject mode.</param>
    public static async Task<EventCommandOutcome> RunAsync(
        EventFile file,
        string? reportBadPath,
        Func<SampleBuffer, CancellationToken, ValueTask>? onChunk,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        var mode = reportBadPath is null ? BadRecordHandling.Reject : BadRecordHandling.SkipAndReport;
        EventPipelineResult result;
        PhoneEvidence? phone = null;
        if (file.Phone is { } recording)
        {
            // Read before the events, so that a bad phone recording stops the run before anything is stored.
            try
            {
                phone = await recording.AnalyzeAsync(cancellationToken);
            }
            catch (TelematicsFormatException e)
            {
                error.WriteLine($"--imu: {recording.Path.FullName}: {RecordError.Describe(e)}");
                return new(null, ExitCodes.InputError);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"--imu: {recording.Path.FullName}: {e.Message}");
                return new(null, ExitCodes.InputError);
            }
            catch (OperationCanceledException)
            {
                return new(null, ExitCodes.Cancelled);
            }

            ImuReadWarnings.Write(error, $"--imu: {recording.Path.FullName}", phone.Warnings);
        }

        try
        {
            result = await EventPipelineRun.RunAsync(file, mode, onChunk, phone, cancellationToken);
        }
        catch (TelematicsFormatException e)
        {
            error.WriteLine($"{file.Path}: {RecordError.Describe(e)}");
            return new(null, ExitCodes.InputError);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{file.Path}: {e.Message}");
            return new(null, ExitCodes.InputError);
        }
        catch (OperationCanceledException)
        {
            return new(null, ExitCodes.Cancelled);
        }

        if (reportBadPath is not null)
        {
            await WriteBadRecordsAsync(reportBadPath, result.Reading);
        }

        // Values read as missing (a road class the mapping lacks) do not fail the run, but a user extends the mapping by them.
        foreach (var warning in result.Reading.Warnings)
        {
            error.WriteLine(FormattableString.Invariant(
                $"warning: {file.Path}: record {warning.Record}, field '{warning.Field}': '{warning.Value}' {warning.Reason} ({warning.Count} records)"));
        }

        return new(result, ExitCodes.Success);
    }

    /// <summary>Writes the bad records whole or not at all (<see cref="OutputFile"/>); callers check the folder up front (<see cref="OutputFile.RequireFolder"/>).</summary>
    public static Task WriteBadRecordsAsync(string path, IngestReport report) => OutputFile.WriteTextAsync(path, async writer =>
    {
        await writer.WriteLineAsync("record,field,reason,excerpt");
        foreach (var bad in report.Errors)
        {
            await writer.WriteLineAsync($"{bad.Record},{Quote(bad.Field ?? string.Empty)},{Quote(bad.Reason)},{Quote(bad.Excerpt)}");
        }

        if (report.IsTruncated)
        {
            await writer.WriteLineAsync($",,{Quote($"{report.RejectedCount - report.Errors.Count} more bad records not listed")},");
        }
    });

    private static string Quote(string value) => $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
