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
    /// <param name="excerpt">Start of the raw record text, or an empty string.</param>
    public TelematicsFormatException(long record, string? field, string reason, string excerpt)
        : base(Describe(record, field, reason, excerpt))
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

    /// <summary>Start of the raw record text (at most <see cref="IngestReport.MaxExcerptLength"/> characters), or empty.</summary>
    public string Excerpt { get; }

    internal static TelematicsFormatException For(long record, string? field, string reason, ReadOnlySpan<byte> raw, System.Text.Encoding? encoding = null) =>
        new(record, field, reason, Ingest.Excerpt.Of(raw, encoding));

    private static string Describe(long record, string? field, string reason, string excerpt) =>
        field is null
            ? $"Record {record}: {reason}. Raw: '{excerpt}'"
            : $"Record {record}, field '{field}': {reason}. Raw: '{excerpt}'";
}
