using System.Globalization;

using Telematics.Features.Ingest;

namespace Telematics.Cli.Events;

/// <summary>
/// A bad record told on stderr without its text: the record of an events or phone file starts with its time and position,
/// and stderr of a scheduled run ends up in mail and system logs. The text stays in the <c>--report-bad</c> file, which the
/// user asks for.
/// </summary>
internal static class RecordError
{
    /// <summary>The record, the field and what is wrong with them; the message alone when no record is named.</summary>
    public static string Describe(TelematicsFormatException e) =>
        e.Record <= 0 ? e.Reason
        : e.Field is null ? string.Create(CultureInfo.InvariantCulture, $"Record {e.Record}: {e.Reason}")
        : string.Create(CultureInfo.InvariantCulture, $"Record {e.Record}, field '{e.Field}': {e.Reason}");
}
