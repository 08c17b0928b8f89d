using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Reads samples from CSV with a header line, through a <see cref="CsvColumnMapping"/>, parsing the UTF-8 bytes in
/// place without allocating per record.
/// </summary>
/// <remarks>
/// <para>
/// The first non-blank line is the header. Lines end with LF or CRLF; a UTF-8 byte order mark is skipped; blank lines
/// are skipped; the last line needs no line break. A field that starts with the quote character runs to the next lone
/// quote and may contain the separator and doubled quotes; it may not contain a line break. Fields after the last one
/// the header names are ignored; a record with fewer fields than a mapped column needs is bad.
/// </para>
/// <para>
/// Validation: the timestamp must parse, latitude must lie in [-90, 90] and longitude in [-180, 180], all three finite
/// and present; optional fields that are empty or listed in <see cref="CsvColumnMapping.MissingValues"/> are missing
/// (NaN, <see cref="RoadClass.Unknown"/>, flag clear, event id 0); text that is neither missing nor valid is bad.
/// Empty input and a header alone give no samples and no error. See <see cref="SampleReader"/> for the read loop.
/// </para>
/// <para>
/// Speed: a record of unquoted fields with plain <c>[-]digits[.digits]</c> numbers is split and converted in one pass;
/// any other record (quotes, padding, exponents, long mantissas, bad values) is parsed again by the general path, so
/// both give the same samples and the same errors. See <c>benchmarks/results/ingest-readers.md</c> for figures.
/// </para>
/// </remarks>
public sealed partial class CsvSampleReader : SampleReader, ILineParser
{
    private readonly CompiledCsvMapping _mapping;
    private readonly LineFramer _framer;
    private readonly int[] _start = new int[CompiledCsvMapping.FieldCount];
    private readonly int[] _length = new int[CompiledCsvMapping.FieldCount];
    private readonly bool[] _unescaped = new bool[CompiledCsvMapping.FieldCount];
    private CsvField[]? _columns;
    private int _lastMappedColumn;
    private bool _fast;
    private byte[] _unescapeBuffer = [];

    private CsvSampleReader(PipeReader input, CsvColumnMapping? mapping, SampleReaderOptions? options, bool leaveOpen)
        : base(input, options, leaveOpen)
    {
        _mapping = new CompiledCsvMapping(mapping ?? new CsvColumnMapping());
        _framer = new LineFramer(this, this);
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="input">The CSV bytes, UTF-8.</param>
    /// <param name="mapping">Column mapping; <see langword="null"/> for the default canonical columns.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> uncompleted.</param>
    /// <returns>The reader; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The mapping is inconsistent (e.g. decimal separator other than '.' or ',').</exception>
    /// <exception cref="TimeZoneNotFoundException">The mapping names an unknown IANA time zone.</exception>
    public static CsvSampleReader Create(PipeReader input, CsvColumnMapping? mapping = null, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(input, mapping, options, leaveOpen);

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The CSV bytes, UTF-8.</param>
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
        if (_unescapeBuffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_unescapeBuffer);
            _unescapeBuffer = [];
        }
    }

    LineOutcome ILineParser.ParseLine(ReadOnlySpan<byte> line, long lineNumber, out TelematicsSample sample, ref RecordError error)
    {
        sample = default;
        if (_columns is null)
        {
            ReadHeader(line, lineNumber);
            return LineOutcome.Skip;
        }

        if (_fast && TryParseFast(line, out sample))
        {
            return HasExtraFields(line, ref error) ? LineOutcome.Error : LineOutcome.Sample;
        }

        if (!Split(line, ref error) || !Convert(line, out sample, ref error) || HasExtraFields(line, ref error))
        {
            return LineOutcome.Error;
        }

        return LineOutcome.Sample;
    }

    /// <summary>Whether the record has more fields than the header (and the mapping does not ignore them); sets the error then.</summary>
    private bool HasExtraFields(ReadOnlySpan<byte> line, ref RecordError error)
    {
        if (_mapping.IgnoreExtraFields)
        {
            return false;
        }

        var header = _columns!.Length;

        // Separators inside quoted fields do not count; a line without quotes is counted in one vectorised pass.
        var fields = line.IndexOf(_mapping.Quote) < 0 ? line.Count(_mapping.Separator) + 1 : CountQuotedFields(line);
        return fields > header
            && !error.Set(string.Create(CultureInfo.InvariantCulture, $"#{header + 1}"), string.Create(CultureInfo.InvariantCulture, $"the record has {fields} fields but the header has {header}"));
    }

    private int CountQuotedFields(ReadOnlySpan<byte> line)
    {
        var fields = 1;
        var quoted = false;
        foreach (var b in line)
        {
            if (b == _mapping.Quote)
            {
                quoted = !quoted;
            }
            else if (b == _mapping.Separator && !quoted)
            {
                fields++;
            }
        }

        return fields;
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
        _ => null,
    } ?? canonical;

    private void ReadHeader(ReadOnlySpan<byte> line, long lineNumber)
    {
        var names = CompiledCsvMapping.SplitHeader(line, _mapping.Separator, _mapping.Quote);
        _columns = _mapping.Resolve(names, lineNumber, line);
        _lastMappedColumn = -1;
        for (var i = 0; i < _columns.Length; i++)
        {
            if (_columns[i] != CsvField.None)
            {
                _lastMappedColumn = i;
            }
        }

        _fast = UseFastPath && FastPathApplies;
    }

    /// <summary>Finds the bytes of every mapped field; unescapes quoted fields that contain doubled quotes.</summary>
    private bool Split(ReadOnlySpan<byte> line, ref RecordError error)
    {
        var columns = _columns!;
        _length.AsSpan().Fill(-1);
        if (_unescapeBuffer.Length < line.Length)
        {
            if (_unescapeBuffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_unescapeBuffer);
            }

            _unescapeBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(line.Length, 256));
        }

        var separator = _mapping.Separator;
        var quote = _mapping.Quote;
        var unescapedEnd = 0;
        var pos = 0;
        for (var column = 0; column <= _lastMappedColumn; column++)
        {
            int start, length;
            var unescaped = false;
            if (pos < line.Length && line[pos] == quote)
            {
                if (!TryReadQuoted(line, ref pos, ref unescapedEnd, out start, out length, out unescaped))
                {
                    return error.Set(NameOf(column), "a quoted field is not closed, or text follows its closing quote");
                }
            }
            else
            {
                var rest = line[pos..];
                var next = rest.IndexOf(separator);
                start = pos;
                length = next < 0 ? rest.Length : next;
                pos += length;
            }

            var field = columns[column];
            if (field != CsvField.None)
            {
                _start[(int)field] = start;
                _length[(int)field] = length;
                _unescaped[(int)field] = unescaped;
            }

            if (pos >= line.Length)
            {
                if (column < _lastMappedColumn)
                {
                    return error.Set(NameOf(_lastMappedColumn), $"the record has {column + 1} fields but the mapping needs column {_lastMappedColumn + 1}");
                }

                break;
            }

            pos++;
        }

        return true;
    }

    private bool TryReadQuoted(ReadOnlySpan<byte> line, ref int pos, ref int unescapedEnd, out int start, out int length, out bool unescaped)
    {
        var quote = _mapping.Quote;
        var open = pos + 1;
        var close = line[open..].IndexOf(quote);
        start = open;
        length = 0;
        unescaped = false;
        if (close < 0)
        {
            return false;
        }

        close += open;
        if (close + 1 < line.Length && line[close + 1] == quote)
        {
            // Doubled quotes inside: copy the unescaped text into the per-line buffer.
            unescaped = true;
            start = unescapedEnd;
            var segment = open;
            while (true)
            {
                var piece = line[segment..close];
                piece.CopyTo(_unescapeBuffer.AsSpan(unescapedEnd));
                unescapedEnd += piece.Length;
                if (close + 1 < line.Length && line[close + 1] == quote)
                {
                    _unescapeBuffer[unescapedEnd++] = quote;
                    segment = close + 2;
                    var next = line[segment..].IndexOf(quote);
                    if (next < 0)
                    {
                        return false;
                    }

                    close = segment + next;
                    continue;
                }

                break;
            }

            length = unescapedEnd - start;
        }
        else
        {
            length = close - open;
        }

        pos = close + 1;
        return pos == line.Length || line[pos] == _mapping.Separator;
    }

    private ReadOnlySpan<byte> Value(ReadOnlySpan<byte> line, CsvField field)
    {
        var i = (int)field;
        var raw = _unescaped[i] ? _unescapeBuffer.AsSpan(_start[i], _length[i]) : line.Slice(_start[i], _length[i]);
        return Utf8Numbers.Trim(raw);
    }

    private bool Present(CsvField field) => _length[(int)field] >= 0;

    private bool IsMissing(ReadOnlySpan<byte> value) => value.IsEmpty || _mapping.Missing.TryMatch(value, out _);

    private string NameOf(int column) => _mapping.ColumnOf(_columns![column]) ?? $"#{column + 1}";

    private string NameOf(CsvField field) => _mapping.ColumnOf(field) ?? field.ToString();
}
