using System.Runtime.CompilerServices;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// The general path's field conversion: the text fields of one split record to a validated <see cref="TelematicsSample"/>
/// (timestamps in every format, coordinates, numbers in their units, road classes, flags and event ids), setting the
/// error with the field's name when a value is missing or bad.
/// </summary>
/// <remarks>
/// A struct of references that the reader holds inline, so a record's conversion reaches the mapping and the split
/// fields through one load from the reader, as when this code was the reader's own.
/// </remarks>
internal readonly struct CsvFieldConverter
{
    private readonly CompiledCsvMapping _mapping;
    private readonly CsvRecordSplitter _fields;
    private readonly bool _allowsNonFinite;
    private readonly DateRollbackGuard? _dateGuard;

    /// <summary>Creates the converter.</summary>
    /// <param name="mapping">The reader's mapping.</param>
    /// <param name="fields">The reader's splitter, which holds where each field of the current record lies.</param>
    /// <param name="allowsNonFinite">Whether infinite optional values are let through (the reader's plausibility limits, fixed at construction).</param>
    /// <param name="dateGuard">Notes each date-and-time reading for the reader's check against the last record, or null.</param>
    public CsvFieldConverter(CompiledCsvMapping mapping, CsvRecordSplitter fields, bool allowsNonFinite, DateRollbackGuard? dateGuard)
    {
        _mapping = mapping;
        _fields = fields;
        _allowsNonFinite = allowsNonFinite;
        _dateGuard = dateGuard;
    }

    /// <summary>Converts the fields of a record that <see cref="CsvRecordSplitter.Split"/> has just split; sets the error, naming the field, when one is bad.</summary>
    public bool Convert(ReadOnlySpan<byte> line, out TelematicsSample sample, ref RecordError error)
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
            || !TryFlag(line, CsvField.PhoneHandheld, _mapping.PhoneHandheld, out var handheld, out var handheldKnown, ref error)
            || !TryFlag(line, CsvField.PhoneInteraction, _mapping.PhoneInteraction, out var interaction, out var interactionKnown, ref error)
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
            // Neither phone column present or filled: the source says nothing of phone use, which is not "no use".
            Flags = (handheld ? SampleFlags.PhoneHandheld : SampleFlags.None) | (interaction ? SampleFlags.PhoneInteraction : SampleFlags.None)
                | (handheldKnown || interactionKnown ? SampleFlags.None : SampleFlags.PhoneUnknown) | TripId(line, ref error),
            EventId = eventId,
        };
        error.DriverKey = Driver(line);
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

            _dateGuard?.Note(wallClock);
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
            TimestampFormat.UnixMicroseconds => TryUnixFraction(text, 1_000, out unixMs),
            TimestampFormat.UnixNanoseconds => TryUnixFraction(text, 1_000_000, out unixMs),
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

    // A whole count of 1/perMillisecond ms, rounded half away from zero to the millisecond, exactly (no detour via double).
    private static bool TryUnixFraction(ReadOnlySpan<byte> text, long perMillisecond, out long unixMs)
    {
        unixMs = 0;
        if (!Utf8Numbers.TryParseInt64(text, out var units))
        {
            return false;
        }

        var whole = Math.DivRem(units, perMillisecond, out var rest);
        unixMs = 2 * Math.Abs(rest) >= perMillisecond ? whole + Math.Sign(rest) : whole;
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
        TimestampFormat.UnixMicroseconds => "Unix time in microseconds",
        TimestampFormat.UnixNanoseconds => "Unix time in nanoseconds",
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
        if (IsMissing(text) || (_mapping.ColumnMissing[(int)field] is { } own && own.TryMatch(text, out _)))
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

        if (float.IsInfinity(value) && !_allowsNonFinite)
        {
            // "Infinity" or a number too large for the field (1e300): no sensor reads it, so it is never taken as missing.
            return error.Set(NameOf(field), "not a finite number");
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

        // A class the map forgot (a highway class seen on one trip only) must not drop the record and its position:
        // it reads as unknown road, and the reader lists the text once as a warning.
        return IsMissing(text) || _mapping.RoadClasses!.TryMatch(text, out value)
            || error.Warn(NameOf(CsvField.RoadClass));
    }

    private bool TryFlag(ReadOnlySpan<byte> line, CsvField field, Utf8TokenSet<bool>? tokens, out bool value, out bool known, ref RecordError error)
    {
        value = false;
        known = false;
        if (!Present(field))
        {
            return true;
        }

        var text = Value(line, field);
        if (IsMissing(text))
        {
            return true;
        }

        known = true;
        return tokens!.TryMatch(text, out value)
            || error.Set(NameOf(field), _mapping.HintsAtEncoding && CsvText.IsInvalidUtf8(text) ? NotUtf8Flag : "neither a yes nor a no value of the mapping");
    }

    // A "Não" saved as Windows-1252 is one byte short of UTF-8: said so, as every such record is refused.
    private const string NotUtf8Flag = "neither a yes nor a no value of the mapping, and " + CsvText.NotUtf8Hint;

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

    // Any text is an id (never a bad record); an empty or missing one leaves the trip unknown.
    private SampleFlags TripId(ReadOnlySpan<byte> line, ref RecordError error)
    {
        if (!Present(CsvField.TripId))
        {
            return SampleFlags.None;
        }

        var text = Value(line, CsvField.TripId);
        return IsMissing(text) ? SampleFlags.None : TripTag.FromId(text, out error.TripKey);
    }

    // The key of the driver the record names, 0 for none; the reader compares it with the first one's.
    private ulong Driver(ReadOnlySpan<byte> line)
    {
        if (!Present(CsvField.DriverId))
        {
            return 0;
        }

        var text = Value(line, CsvField.DriverId);
        return IsMissing(text) ? 0 : DriverKey.Of(text);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Value(ReadOnlySpan<byte> line, CsvField field) => _fields.Value(line, field);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Present(CsvField field) => _fields.Present(field);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsMissing(ReadOnlySpan<byte> value) => _mapping.IsMissing(value);

    private string NameOf(CsvField field) => _mapping.ColumnOf(field) ?? field.ToString();
}
