using System.Globalization;
using System.IO.Pipelines;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Reads samples from CSV with a header line, through a <see cref="CsvColumnMapping"/>, parsing the bytes (UTF-8, or
/// the mapping's <see cref="CsvColumnMapping.Encoding"/>) in place without allocating per record.
/// </summary>
/// <remarks>
/// <para>
/// The first non-blank line is the header. Lines end with LF or CRLF; a UTF-8 byte order mark is skipped (and refused
/// when the mapping declares a single-byte encoding); a UTF-16 file is refused; blank lines
/// are skipped; the last line needs no line break. A field that starts with the quote character runs to the next lone
/// quote and may contain the separator and doubled quotes; it may not contain a line break. Fields after the last one
/// the header names are bad unless <see cref="CsvColumnMapping.IgnoreExtraFields"/>, but one empty field after the last
/// (a separator ending the row while the header has none) is always ignored; a record with fewer fields than a mapped
/// column needs is bad.
/// </para>
/// <para>
/// Validation: the timestamp must parse, latitude must lie in [-90, 90] and longitude in [-180, 180], all three finite
/// and present; optional fields that are empty or listed in <see cref="CsvColumnMapping.MissingValues"/> are missing
/// (NaN, <see cref="RoadClass.Unknown"/>, flag clear, event id 0); text that is neither missing nor valid is bad,
/// except a road class the mapping does not know, which reads as unknown and is listed in <see cref="IngestReport.Warnings"/>.
/// Empty input and a header alone give no samples and no error. See <see cref="SampleReader"/> for the read loop.
/// </para>
/// <para>
/// Speed: a record of unquoted fields with plain <c>[-]digits[.digits]</c> numbers is split and converted in one pass;
/// any other record (quotes, padding, exponents, long mantissas, bad values) is parsed again by the general path, so
/// both give the same samples and the same errors. See <c>benchmarks/results/ingest-readers.md</c> for figures.
/// </para>
/// </remarks>
public sealed class CsvSampleReader : SampleReader, ILineParser
{
    private readonly CompiledCsvMapping _mapping;
    private readonly LineFramer _framer;
    private readonly CsvRecordSplitter _fields;
    private readonly CsvFieldConverter _converter;
    private readonly DateRollbackGuard? _dateGuard;
    private const string UnknownRoadClass = "not a road class the mapping knows; read as unknown road";
    private const string NotUtf8RoadClass = "not a road class the mapping knows, and " + CsvText.NotUtf8Hint + "; read as unknown road";

    private CsvHeader _header;
    private CsvFastPath _fastPath;
    private bool _fast;

    private CsvSampleReader(PipeReader input, CsvColumnMapping? mapping, SampleReaderOptions? options, bool leaveOpen)
        : base(input, options, leaveOpen)
    {
        _mapping = new CompiledCsvMapping(mapping ?? new CsvColumnMapping());
        TextEncoding = _mapping.Text;
        _framer = new LineFramer(this, this, _mapping.HintsAtEncoding ? null : CsvText.JsonName(_mapping.FileEncoding));
        _fields = new CsvRecordSplitter(_mapping.Separator, _mapping.Quote);
        _dateGuard = _mapping.TimestampFormat == TimestampFormat.DateAndTime ? new DateRollbackGuard() : null;
        _converter = new CsvFieldConverter(_mapping, _fields, Limits.AllowsNonFinite, _dateGuard);
    }

    /// <summary>Whether records may take the fast path; false forces the general path (tests compare the two).</summary>
    internal bool UseFastPath { get; set; } = true;

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="input">The CSV bytes, in the mapping's <see cref="CsvColumnMapping.Encoding"/> (UTF-8 by default).</param>
    /// <param name="mapping">Column mapping; <see langword="null"/> for the default canonical columns.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> uncompleted.</param>
    /// <returns>The reader; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The mapping is inconsistent (e.g. decimal separator other than '.' or ',').</exception>
    /// <exception cref="TimeZoneNotFoundException">The mapping names an unknown IANA time zone.</exception>
    public static CsvSampleReader Create(PipeReader input, CsvColumnMapping? mapping = null, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(input, mapping, options, leaveOpen);

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The CSV bytes, in the mapping's <see cref="CsvColumnMapping.Encoding"/> (UTF-8 by default).</param>
    /// <param name="mapping">Column mapping; <see langword="null"/> for the default canonical columns.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>The reader; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The mapping is inconsistent.</exception>
    public static CsvSampleReader FromStream(Stream stream, CsvColumnMapping? mapping = null, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(OpenStream(stream, leaveOpen), mapping, options, leaveOpen: false);

    /// <summary>Opens a CSV file for reading.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="mapping">Column mapping; <see langword="null"/> for the default canonical columns.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The reader; disposing it closes the file.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static CsvSampleReader OpenFile(string path, CsvColumnMapping? mapping = null, SampleReaderOptions? options = null) =>
        FromStream(OpenFileStream(path), mapping, options, leaveOpen: false);

    private protected override ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken) =>
        _framer.FillAsync(destination, limit, cancellationToken);

    private protected override void ReleaseBuffers()
    {
        _framer.ReleaseBuffers();
        _fields.ReleaseBuffer();
    }

    LineOutcome ILineParser.ParseLine(ReadOnlySpan<byte> line, long lineNumber, out TelematicsSample sample, ref RecordError error)
    {
        sample = default;
        if (_header.Columns is null)
        {
            ReadHeader(line, lineNumber);
            return LineOutcome.Skip;
        }

        if (_fast && _fastPath.TryParse(line, out sample, out error.TripKey, out error.DriverKey))
        {
            return HasExtraFields(line, ref error) ? LineOutcome.Error : LineOutcome.Sample;
        }

        if (!Split(line, ref error) || !_converter.Convert(line, out sample, ref error) || HasExtraFields(line, ref error)
            || (_dateGuard is not null && !_dateGuard.Check(lineNumber, _mapping.ColumnOf(CsvField.Time)!, ref error)))
        {
            return LineOutcome.Error;
        }

        return LineOutcome.Sample;
    }

    // The fields of the line just parsed are still split: the road class is the one value read as missing (TryRoadClass).
    void ILineParser.Warn(ReadOnlySpan<byte> line, long lineNumber, string field)
    {
        var value = _fields.Value(line, CsvField.RoadClass);

        // Only here, off the hot path: a class whose accents are Windows-1252 bytes would otherwise look merely unmapped.
        var reason = _mapping.HintsAtEncoding && CsvText.IsInvalidUtf8(value) ? NotUtf8RoadClass : UnknownRoadClass;
        Report.Warned(lineNumber, field, value, reason, TextEncoding);
    }

    /// <summary>Whether the record has more fields than the header (and the mapping does not ignore them); sets the error then.</summary>
    private bool HasExtraFields(ReadOnlySpan<byte> line, ref RecordError error)
    {
        if (_mapping.IgnoreExtraFields)
        {
            return false;
        }

        var header = _header.Columns!.Length;

        // Separators inside quoted fields do not count; a line without quotes is counted in one vectorised pass.
        var fields = line.IndexOf(_mapping.Quote) < 0 ? line.Count(_mapping.Separator) + 1 : _fields.CountQuotedFields(line);

        // One empty field past the header's last is a separator ending every row (a spreadsheet export), not data.
        if (fields == header + 1 && line[^1] == _mapping.Separator)
        {
            return false;
        }

        return fields > header
            && !error.Set(string.Create(CultureInfo.InvariantCulture, $"#{header + 1}"), string.Create(CultureInfo.InvariantCulture, $"the record has {fields} fields but the header has {header}"));
    }

    string ILineParser.FieldName(string canonical) => canonical switch
    {
        "timestamp" => _mapping.ColumnOf(CsvField.Timestamp) ?? _mapping.ColumnOf(CsvField.Date),
        "speed_mps" => _mapping.ColumnOf(CsvField.Speed),
        "heading_deg" => _mapping.ColumnOf(CsvField.Heading),
        "accel_lon_mps2" => _mapping.ColumnOf(CsvField.LongitudinalAcceleration),
        "accel_lat_mps2" => _mapping.ColumnOf(CsvField.LateralAcceleration),
        "gps_accuracy_m" => _mapping.ColumnOf(CsvField.GpsAccuracy),
        "speed_limit_mps" => _mapping.ColumnOf(CsvField.SpeedLimit),
        "driver_id" => _mapping.ColumnOf(CsvField.DriverId),
        _ => null,
    } ?? canonical;

    private void ReadHeader(ReadOnlySpan<byte> line, long lineNumber)
    {
        _header = CsvHeader.Read(_mapping, line, lineNumber);
        _fast = UseFastPath && CsvFastPath.Applies(_mapping);
        _fastPath = new CsvFastPath(_mapping, _header);
    }

    /// <summary>Finds the bytes of every mapped field; sets the error, naming the column, when the record cannot be split.</summary>
    private bool Split(ReadOnlySpan<byte> line, ref RecordError error) =>
        _fields.Split(line, _header.Columns!, _header.LastMappedColumn, out var column) switch
        {
            CsvRecordSplitter.Outcome.Split => true,
            CsvRecordSplitter.Outcome.BadQuote => error.Set(_header.NameOf(_mapping, column), "a quoted field is not closed, or text follows its closing quote"),
            _ => error.Set(_header.NameOf(_mapping, _header.LastMappedColumn), LooksCutByLineBreak(line)
                ? $"the record has {column + 1} fields but the mapping needs column {_header.LastMappedColumn + 1}; a quote in it is unmatched, as when a quoted field holds a line break, which CSV input may not"
                : $"the record has {column + 1} fields but the mapping needs column {_header.LastMappedColumn + 1}"),
        };

    // The rest of a record whose quoted field held a line break starts inside that field: its quotes do not pair up.
    private bool LooksCutByLineBreak(ReadOnlySpan<byte> line) => (line.Count(_mapping.Quote) & 1) == 1;
}
