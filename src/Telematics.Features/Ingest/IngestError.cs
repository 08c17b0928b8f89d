namespace Telematics.Features.Ingest;

/// <summary>One record a reader skipped, as kept in an <see cref="IngestReport"/>.</summary>
/// <param name="Record">
/// One-based position of the record: the line number for CSV and NDJSON (the CSV header is line 1), the record
/// index for the binary format.
/// </param>
/// <param name="Field">Name of the offending field or column, or <see langword="null"/> when the record as a whole is bad.</param>
/// <param name="Reason">What is wrong, in words.</param>
/// <param name="Excerpt">
/// The start of the raw record text, at most <see cref="IngestReport.MaxExcerptLength"/> characters, decoded as UTF-8 or
/// as the CSV mapping's <see cref="Csv.CsvColumnMapping.Encoding"/>; control characters show as '·'.
/// </param>
public readonly record struct IngestError(long Record, string? Field, string Reason, string Excerpt);
