using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// The fast path: one left-to-right pass over a record that splits and converts at once. It accepts only text whose
/// meaning is beyond doubt — unquoted fields, plain <c>[-]digits[.digits]</c> numbers inside the exact-arithmetic
/// range, digit-only Unix times and event ids, ISO-8601 timestamps, road classes and flags by token, trip ids as text — and yields
/// exactly the sample the general path (<see cref="CsvRecordSplitter.Split"/> then <see cref="CsvFieldConverter.Convert"/>)
/// would. Anything else (a quote at the start of a field, padding, an exponent, a leading '+', too many digits, a bad or
/// out-of-range value, too few fields) returns false, and the general path parses the line again and, for a bad record,
/// names the field.
/// </summary>
/// <remarks>
/// A struct that the reader holds inline, made once the header is read: the per-line pass reads the mapping and the
/// columns through one load from the reader, as when this code was the reader's own.
/// </remarks>
internal readonly struct CsvFastPath
{
    private readonly CompiledCsvMapping _mapping;
    private readonly CsvField[] _columns;
    private readonly int _lastMappedColumn;

    /// <summary>Creates the fast path for a mapping and the header it was resolved against.</summary>
    /// <param name="mapping">The reader's mapping; see <see cref="Applies"/>.</param>
    /// <param name="header">The header, read.</param>
    public CsvFastPath(CompiledCsvMapping mapping, CsvHeader header)
    {
        _mapping = mapping;
        _columns = header.Columns!;
        _lastMappedColumn = header.LastMappedColumn;
    }

    /// <summary>True when the mapping is one the fast path handles.</summary>
    public static bool Applies(CompiledCsvMapping mapping) =>
        mapping.TimestampFormat is not (TimestampFormat.DateAndTime or TimestampFormat.UnixMicroseconds or TimestampFormat.UnixNanoseconds)

        // The number scanners read digits, '-' and the decimal point: none of them may delimit fields.
        && !IsNumberByte(mapping, mapping.Separator) && !IsNumberByte(mapping, mapping.Quote)

        // A missing-value token with a digit in it could read as a number here; such mappings take the general path.
        && !mapping.Missing.AnyToken(static token => token.AsSpan().IndexOfAnyInRange((byte)'0', (byte)'9') >= 0);

    /// <summary>Splits and converts the record in one pass; false when it is not one the fast path is sure of, and the general path must parse it.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, out TelematicsSample sample, out ulong tripKey, out ulong driverKey)
    {
        sample = default;
        tripKey = 0;
        driverKey = 0;
        var columns = _columns;
        var separator = _mapping.Separator;
        var decimalPoint = _mapping.DecimalComma ? (byte)',' : (byte)'.';
        long timestamp = 0;
        double latitude = 0, longitude = 0;
        float speed = float.NaN, heading = float.NaN, longitudinal = float.NaN, lateral = float.NaN, accuracy = float.NaN, limit = float.NaN;
        var roadClass = RoadClass.Unknown;
        var flags = SampleFlags.None;
        var phoneKnown = false;
        long eventId = 0;
        var pos = 0;
        var last = _lastMappedColumn;
        for (var column = 0; column <= last; column++)
        {
            if (column > 0)
            {
                // The previous field stopped on a separator (or the line's end, checked below); step over it.
                if (pos >= line.Length)
                {
                    return false;
                }

                pos++;
            }

            switch (columns[column])
            {
                case CsvField.Timestamp:
                    if (!TryTimestamp(line, ref pos, separator, out timestamp))
                    {
                        return false;
                    }

                    break;
                case CsvField.Latitude:
                    if (!TryDouble(line, ref pos, separator, decimalPoint, out latitude) || !(Math.Abs(latitude) <= 90))
                    {
                        return false;
                    }

                    break;
                case CsvField.Longitude:
                    if (!TryDouble(line, ref pos, separator, decimalPoint, out longitude) || !(Math.Abs(longitude) <= 180))
                    {
                        return false;
                    }

                    break;
                case CsvField.Speed:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.Speed, out speed))
                    {
                        return false;
                    }

                    break;
                case CsvField.Heading:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.Heading, out heading))
                    {
                        return false;
                    }

                    break;
                case CsvField.LongitudinalAcceleration:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.LongitudinalAcceleration, out longitudinal))
                    {
                        return false;
                    }

                    break;
                case CsvField.LateralAcceleration:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.LateralAcceleration, out lateral))
                    {
                        return false;
                    }

                    break;
                case CsvField.GpsAccuracy:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.GpsAccuracy, out accuracy))
                    {
                        return false;
                    }

                    break;
                case CsvField.SpeedLimit:
                    if (!TryOptional(line, ref pos, separator, decimalPoint, CsvField.SpeedLimit, out limit))
                    {
                        return false;
                    }

                    break;
                case CsvField.RoadClass:
                    if (!TryText(line, ref pos, separator, out var roadText) || !TryRoadClassText(roadText, out roadClass))
                    {
                        return false;
                    }

                    break;
                case CsvField.PhoneHandheld:
                    if (!TryText(line, ref pos, separator, out var handheldText) || !TryFlagText(handheldText, _mapping.PhoneHandheld, out var handheld, ref phoneKnown))
                    {
                        return false;
                    }

                    flags |= handheld ? SampleFlags.PhoneHandheld : SampleFlags.None;
                    break;
                case CsvField.PhoneInteraction:
                    if (!TryText(line, ref pos, separator, out var interactionText) || !TryFlagText(interactionText, _mapping.PhoneInteraction, out var interaction, ref phoneKnown))
                    {
                        return false;
                    }

                    flags |= interaction ? SampleFlags.PhoneInteraction : SampleFlags.None;
                    break;
                case CsvField.EventId:
                    if (!TryEventId(line, ref pos, separator, out eventId))
                    {
                        return false;
                    }

                    break;
                case CsvField.TripId:
                    if (!TryText(line, ref pos, separator, out var tripText))
                    {
                        return false;
                    }

                    flags |= _mapping.IsMissing(tripText) ? SampleFlags.None : TripTag.FromId(tripText, out tripKey);
                    break;
                case CsvField.DriverId:
                    if (!TryText(line, ref pos, separator, out var driverText))
                    {
                        return false;
                    }

                    driverKey = _mapping.IsMissing(driverText) ? 0 : DriverKey.Of(driverText);
                    break;
                default:
                    // A column the mapping ignores: skip it, unless it is quoted (it may hold the separator).
                    if (!TryText(line, ref pos, separator, out _))
                    {
                        return false;
                    }

                    break;
            }
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
            Flags = phoneKnown ? flags : flags | SampleFlags.PhoneUnknown,
            EventId = eventId,
        };
        return true;
    }

    private bool TryTimestamp(ReadOnlySpan<byte> line, ref int pos, byte separator, out long unixMs)
    {
        var format = _mapping.TimestampFormat;
        var start = pos;
        if (format is TimestampFormat.Auto or TimestampFormat.UnixMilliseconds
            && Utf8Numbers.TryScanDigits(line, ref pos, separator, out unixMs))
        {
            return true;
        }

        pos = start;
        unixMs = 0;
        switch (format)
        {
            case TimestampFormat.UnixSeconds:
                if (!Utf8Numbers.TryScanDecimal(line, ref pos, separator, _mapping.DecimalComma ? (byte)',' : (byte)'.', out var significand, out var fractionDigits, out var negative)
                    || !Utf8Numbers.TryExactDouble(significand, fractionDigits, negative, out var seconds)
                    || !(Math.Abs(seconds) <= 253_402_300_799.0))
                {
                    return false;
                }

                unixMs = (long)Math.Round(seconds * 1000.0, MidpointRounding.AwayFromZero);
                return true;
            case TimestampFormat.Auto or TimestampFormat.Iso8601:
                // Starts with a digit, so it is not quoted; trimmed like the general path trims it.
                return pos < line.Length && (uint)(line[pos] - '0') <= 9
                    && TryText(line, ref pos, separator, out var text)
                    && Iso8601.TryParse(text, _mapping.Zone, out unixMs);
            default:
                return false;
        }
    }

    private static bool TryDouble(ReadOnlySpan<byte> line, ref int pos, byte separator, byte decimalPoint, out double value)
    {
        value = 0;
        return Utf8Numbers.TryScanDecimal(line, ref pos, separator, decimalPoint, out var significand, out var fractionDigits, out var negative)
            && Utf8Numbers.TryExactDouble(significand, fractionDigits, negative, out value);
    }

    private bool TryOptional(ReadOnlySpan<byte> line, ref int pos, byte separator, byte decimalPoint, CsvField field, out float value)
    {
        value = float.NaN;
        if (pos == line.Length || line[pos] == separator)
        {
            // Empty: missing.
            return true;
        }

        var start = pos;
        if (!Utf8Numbers.TryScanDecimal(line, ref pos, separator, decimalPoint, out var significand, out var fractionDigits, out var negative))
        {
            return false;
        }

        if (_mapping.ColumnMissing[(int)field] is { } own && own.TryMatch(line[start..pos], out _))
        {
            // The column's own marker of no value (iOS's -1 speed): a number by its look, missing by the mapping.
            return true;
        }

        var factor = _mapping.Factors[(int)field];
        if (factor == 1.0)
        {
            return Utf8Numbers.TryExactSingle(significand, fractionDigits, negative, out value);
        }

        if (!Utf8Numbers.TryExactDouble(significand, fractionDigits, negative, out var raw))
        {
            return false;
        }

        // Same rounding as the general path; a product that overflows a float is left to it.
        value = (float)(raw * factor);
        return float.IsFinite(value);
    }

    private static bool TryEventId(ReadOnlySpan<byte> line, ref int pos, byte separator, out long value)
    {
        value = 0;
        return pos == line.Length || line[pos] == separator || Utf8Numbers.TryScanDigits(line, ref pos, separator, out value);
    }

    /// <summary>The unquoted field at <paramref name="pos"/>, trimmed; false when it starts with the quote character.</summary>
    private bool TryText(ReadOnlySpan<byte> line, ref int pos, byte separator, out ReadOnlySpan<byte> text)
    {
        var rest = line[pos..];
        if (!rest.IsEmpty && rest[0] == _mapping.Quote)
        {
            text = default;
            return false;
        }

        var end = rest.IndexOf(separator);
        if (end < 0)
        {
            end = rest.Length;
        }

        text = Utf8Numbers.Trim(rest[..end]);
        pos += end;
        return true;
    }

    /// <summary>The general path's road class rules on trimmed text, without an error.</summary>
    private bool TryRoadClassText(ReadOnlySpan<byte> text, out RoadClass value)
    {
        if (_mapping.RoadClassesByNameOrNumber && text.Length == 1 && (uint)(text[0] - '0') <= (uint)RoadClass.Service)
        {
            value = (RoadClass)(text[0] - '0');
            return true;
        }

        value = RoadClass.Unknown;
        return _mapping.IsMissing(text) || _mapping.RoadClasses!.TryMatch(text, out value);
    }

    /// <summary>The general path's flag rules on trimmed text, without an error.</summary>
    private bool TryFlagText(ReadOnlySpan<byte> text, Utf8TokenSet<bool>? tokens, out bool value, ref bool known)
    {
        value = false;
        if (_mapping.IsMissing(text))
        {
            return true;
        }

        known = true;
        return tokens!.TryMatch(text, out value);
    }

    private static bool IsNumberByte(CompiledCsvMapping mapping, byte b) =>
        (uint)(b - '0') <= 9 || b == (byte)'-' || b == (mapping.DecimalComma ? (byte)',' : (byte)'.');
}
