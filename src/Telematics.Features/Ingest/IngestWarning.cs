namespace Telematics.Features.Ingest;

/// <summary>
/// A value a reader accepted the record with but could not read, so it took it as missing (a road class the mapping
/// does not know): listed once per field and distinct text, at its first record, with how many records had it.
/// </summary>
/// <param name="Record">One-based position of the first record with this value (the line number for CSV).</param>
/// <param name="Field">Name of the field or column.</param>
/// <param name="Value">
/// The text, at most <see cref="IngestReport.MaxExcerptLength"/> characters, decoded as UTF-8 or as the CSV mapping's
/// <see cref="Csv.CsvColumnMapping.Encoding"/> (bytes that are not valid UTF-8 show as U+FFFD).
/// </param>
/// <param name="Reason">What was done with it, in words.</param>
/// <param name="Count">How many records had this value in this field.</param>
public readonly record struct IngestWarning(long Record, string Field, string Value, string Reason, long Count);
