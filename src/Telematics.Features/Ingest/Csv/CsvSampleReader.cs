using System.Buffers;
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
/// </remarks>
public sealed class CsvSampleReader : SampleReader, ILineParser
{
    private readonly CompiledCsvMapping _mapping;
    private readonly LineFramer _framer;
    private readonly int[] _start = new int[CompiledCsvMapping.FieldCount];
    private readonly int[] _length = new int[CompiledCsvMapping.FieldCount];
    private readonly bool[] _unescaped = new bool[CompiledCsvMapping.FieldCount];
    private CsvField[]? _columns;
    private int _lastMappedColumn;
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

        if (!Split(line, ref error) || !Convert(line, out sample, ref error))
        {
            return LineOutcome.Error;
        }

        return LineOutcome.Sample;
    }

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

    private bool Convert(ReadOnlySpan<byte> line, out TelematicsSample sample, ref RecordError error)
    {
        sample = default;
        if (!TryTimestamp(line, out var timestamp, ref error)
            || !TryCoordinate(line, CsvField.Latitude, 90, out var latitude, ref error)
            || !TryCoordinate(line, CsvField.Longitude, 180, out var longitude, ref error)
            || !TryOptional(line, CsvField.Speed, out var speed, ref error)
            || !TryOptional(line, CsvField.Heading, out var heading, ref error)
            || !TryOptional(line, CsvField.LongitudinalAcceleration, out var longitudinal, ref error)
            || !TryOptional(line, CsvField.LateralAcceleration, out var lateral, ref error)
            || !TryOptional(line, CsvField.GpsAccuracy, out var accuracy, ref error)
            || !TryOptional(line, CsvField.SpeedLimit, out var limit, ref error)
            || !TryRoadClass(line, out var roadClass, ref error)
            || !TryFlag(line, CsvField.PhoneHandheld, _mapping.PhoneHandheld, out var handheld, ref error)
            || !TryFlag(line, CsvField.PhoneInteraction, _mapping.PhoneInteraction, out var interaction, ref error)
            || !TryEventId(line, out var eventId, ref error))
        {
            return false;
        }

        sample = new TelematicsSample(timestamp, latitude, longitude)
        {
            SpeedMps = speed,
            HeadingDeg = heading,
            LongitudinalAccelMps2 = longitudinal,
            LateralAccelMps2 = lateral,
            GpsAccuracyM = accuracy,
            SpeedLimitMps = limit,
            RoadClass = roadClass,
            Flags = (handheld ? SampleFlags.PhoneHandheld : SampleFlags.None) | (interaction ? SampleFlags.PhoneInteraction : SampleFlags.None),
            EventId = eventId,
        };
        return true;
    }

    private bool TryTimestamp(ReadOnlySpan<byte> line, out long unixMs, ref RecordError error)
    {
        unixMs = 0;
        if (_mapping.TimestampFormat == TimestampFormat.DateAndTime)
        {
            var date = Value(line, CsvField.Date);
            var time = Value(line, CsvField.Time);
            if (IsMissing(date))
            {
                return error.Set(NameOf(CsvField.Date), "the date is missing");
            }

            if (IsMissing(time))
            {
                return error.Set(NameOf(CsvField.Time), "the time is missing");
            }

            var parts = DateTimeParts.Epoch;
            if (!_mapping.DatePattern!.TryParse(date, ref parts))
            {
                return error.Set(NameOf(CsvField.Date), $"the date does not match '{_mapping.DatePattern.Text}'");
            }

            if (!_mapping.TimePattern!.TryParse(time, ref parts))
            {
                return error.Set(NameOf(CsvField.Time), $"the time does not match '{_mapping.TimePattern.Text}'");
            }

            if (!parts.TryGetWallClockMs(out var wallClock) || !_mapping.Zone.TryToUtc(wallClock, out unixMs))
            {
                return error.Set(NameOf(CsvField.Date), "the date and time do not form a valid instant in the mapping's zone");
            }

            return true;
        }

        var text = Value(line, CsvField.Timestamp);
        if (IsMissing(text))
        {
            return error.Set(NameOf(CsvField.Timestamp), "the timestamp is missing");
        }

        var ok = _mapping.TimestampFormat switch
        {
            TimestampFormat.UnixMilliseconds => Utf8Numbers.TryParseInt64(text, out unixMs),
            TimestampFormat.UnixSeconds => TryUnixSeconds(text, out unixMs),
            TimestampFormat.Iso8601 => Iso8601.TryParse(text, _mapping.Zone, out unixMs),
            _ => Utf8Numbers.TryParseDigits(text, out unixMs)
                || (IsInteger(text) ? Utf8Numbers.TryParseInt64(text, out unixMs) : Iso8601.TryParse(text, _mapping.Zone, out unixMs)),
        };
        return ok || error.Set(NameOf(CsvField.Timestamp), $"the timestamp is not a valid {Describe(_mapping.TimestampFormat)}");
    }

    private bool TryUnixSeconds(ReadOnlySpan<byte> text, out long unixMs)
    {
        unixMs = 0;
        if (!Utf8Numbers.TryParseDouble(text, _mapping.DecimalComma, out var seconds) || !double.IsFinite(seconds)
            || Math.Abs(seconds) > 253_402_300_799.0)
        {
            return false;
        }

        unixMs = (long)Math.Round(seconds * 1000.0, MidpointRounding.AwayFromZero);
        return true;
    }

    private static bool IsInteger(ReadOnlySpan<byte> text)
    {
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    private static string Describe(TimestampFormat format) => format switch
    {
        TimestampFormat.UnixMilliseconds => "Unix time in milliseconds",
        TimestampFormat.UnixSeconds => "Unix time in seconds",
        TimestampFormat.Iso8601 => "ISO-8601 date and time",
        _ => "Unix time in milliseconds or ISO-8601 date and time",
    };

    private bool TryCoordinate(ReadOnlySpan<byte> line, CsvField field, double bound, out double value, ref RecordError error)
    {
        var text = Value(line, field);
        if (IsMissing(text))
        {
            value = 0;
            return error.Set(NameOf(field), "the value is missing");
        }

        if (!Utf8Numbers.TryParseDouble(text, _mapping.DecimalComma, out value))
        {
            return error.Set(NameOf(field), "not a number");
        }

        if (!double.IsFinite(value))
        {
            return error.Set(NameOf(field), "not a finite number");
        }

        return Math.Abs(value) <= bound || error.Set(NameOf(field), $"outside ±{bound} degrees");
    }

    private bool TryOptional(ReadOnlySpan<byte> line, CsvField field, out float value, ref RecordError error)
    {
        value = float.NaN;
        if (!Present(field))
        {
            return true;
        }

        var text = Value(line, field);
        if (IsMissing(text))
        {
            return true;
        }

        var factor = _mapping.Factors[(int)field];
        bool parsed;
        if (factor == 1.0)
        {
            parsed = Utf8Numbers.TryParseSingle(text, _mapping.DecimalComma, out value);
        }
        else
        {
            parsed = Utf8Numbers.TryParseDouble(text, _mapping.DecimalComma, out var raw);
            value = (float)(raw * factor);
        }

        if (!parsed)
        {
            value = float.NaN;
            return error.Set(NameOf(field), "not a number");
        }

        if (!float.IsFinite(value))
        {
            value = float.NaN;
            return _mapping.NonFiniteAsMissing || error.Set(NameOf(field), "not a finite number");
        }

        return true;
    }

    private bool TryRoadClass(ReadOnlySpan<byte> line, out RoadClass value, ref RecordError error)
    {
        value = RoadClass.Unknown;
        if (!Present(CsvField.RoadClass))
        {
            return true;
        }

        var text = Value(line, CsvField.RoadClass);
        if (_mapping.RoadClassesByNameOrNumber && text.Length == 1 && (uint)(text[0] - '0') <= (uint)RoadClass.Service)
        {
            value = (RoadClass)(text[0] - '0');
            return true;
        }

        return IsMissing(text) || _mapping.RoadClasses!.TryMatch(text, out value)
            || error.Set(NameOf(CsvField.RoadClass), "not a road class the mapping knows");
    }

    private bool TryFlag(ReadOnlySpan<byte> line, CsvField field, Utf8TokenSet<bool>? tokens, out bool value, ref RecordError error)
    {
        value = false;
        if (!Present(field))
        {
            return true;
        }

        var text = Value(line, field);
        return IsMissing(text) || tokens!.TryMatch(text, out value) || error.Set(NameOf(field), "neither a yes nor a no value of the mapping");
    }

    private bool TryEventId(ReadOnlySpan<byte> line, out long value, ref RecordError error)
    {
        value = 0;
        if (!Present(CsvField.EventId))
        {
            return true;
        }

        var text = Value(line, CsvField.EventId);
        return IsMissing(text) || Utf8Numbers.TryParseDigits(text, out value) || Utf8Numbers.TryParseInt64(text, out value) || error.Set(NameOf(CsvField.EventId), "not an integer");
    }
}
