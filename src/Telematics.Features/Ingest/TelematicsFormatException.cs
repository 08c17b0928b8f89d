using System.Globalization;

namespace Telematics.Features.Ingest;

/// <summary>
/// Input that a reader cannot turn into samples: a malformed record, a header without a required column, a damaged
/// binary block, or a mapping file that is not valid.
/// </summary>
/// <remarks>
/// This is the only exception a reader throws for bad input bytes; cancellation and I/O failures of the underlying
/// stream surface as their own exceptions.
/// </remarks>
public sealed class TelematicsFormatException : FormatException
{
    /// <summary>Creates an exception for the record at <paramref name="record"/>.</summary>
    /// <param name="record">One-based line number (CSV, NDJSON, mapping JSON) or record index (binary format).</param>
    /// <param name="field">Offending field or column name, or <see langword="null"/>.</param>
    /// <param name="reason">What is wrong, in words.</param>
    /// <param name="excerpt">Start of the raw record text, or an empty string; kept in <see cref="Excerpt"/>, never in the message.</param>
    public TelematicsFormatException(long record, string? field, string reason, string excerpt)
        : base(Describe(record, field, reason))
    {
        Record = record;
        Field = field;
        Reason = reason;
        Excerpt = excerpt;
    }

    /// <summary>Creates an exception with a message only; <see cref="Record"/> is 0.</summary>
    /// <param name="message">The message.</param>
    public TelematicsFormatException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message and a cause; <see cref="Record"/> is 0.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TelematicsFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = message;
        Excerpt = string.Empty;
    }

    /// <summary>Creates an exception with no details.</summary>
    public TelematicsFormatException()
        : this("The input is not in the expected format.")
    {
    }

    /// <summary>One-based line number or record index of the bad record; 0 when not tied to a record.</summary>
    public long Record { get; }

    /// <summary>Offending field or column name, or <see langword="null"/> when the record as a whole is bad.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, in words, without the position.</summary>
    public string Reason { get; }

    /// <summary>
    /// Start of the raw record text (at most <see cref="IngestReport.MaxExcerptLength"/> characters), or empty. It may hold
    /// a time and a position, so <see cref="Exception.Message"/> leaves it out: show it only where the user asked for it.
    /// </summary>
    public string Excerpt { get; }

    internal static TelematicsFormatException For(long record, string? field, string reason, ReadOnlySpan<byte> raw, System.Text.Encoding? encoding = null) =>
        new(record, field, reason, Ingest.Excerpt.Of(raw, encoding));

    // The record's text stays out of the message: it starts with its time and position, and messages end up in logs.
    private static string Describe(long record, string? field, string reason) =>
        field is null
            ? string.Create(CultureInfo.InvariantCulture, $"Record {record}: {reason}.")
            : string.Create(CultureInfo.InvariantCulture, $"Record {record}, field '{field}': {reason}.");
}
