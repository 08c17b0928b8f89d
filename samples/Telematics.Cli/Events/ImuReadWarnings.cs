using Telematics.Features.Ingest;

namespace Telematics.Cli.Events;

/// <summary>
/// Writes what the phone reader skipped without failing (a last line cut off by a killed logger) on stderr, one line
/// each, the same for <c>events detect</c> and for <c>--imu</c> beside an events file: a user who is not told would take
/// the recording for whole.
/// </summary>
internal static class ImuReadWarnings
{
    /// <param name="error">Standard error.</param>
    /// <param name="source">What was read, as the messages name it: the path, or <c>--imu: PATH</c>.</param>
    /// <param name="warnings">The reader's <see cref="Features.Imu.Ingest.ImuLogReader.Warnings"/>.</param>
    public static void Write(TextWriter error, string source, IReadOnlyList<IngestError> warnings)
    {
        foreach (var warning in warnings)
        {
            error.WriteLine($"warning: {source}: line {warning.Record} of {warning.Field}: {warning.Reason}");
        }
    }
}
