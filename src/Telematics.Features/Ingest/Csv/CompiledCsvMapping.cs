using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>A <see cref="CsvColumnMapping"/> validated and turned into byte-level lookups, ready for the hot path.</summary>
internal sealed class CompiledCsvMapping
{
    public const int FieldCount = (int)CsvField.DriverId + 1;

    private readonly string?[] _columns = new string?[FieldCount];

    public CompiledCsvMapping(CsvColumnMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        Separator = Ascii(mapping.Separator, nameof(mapping.Separator));
        Quote = Ascii(mapping.Quote, nameof(mapping.Quote));
        if (mapping.DecimalSeparator is not ('.' or ','))
        {
            throw new ArgumentException($"Decimal separator must be '.' or ',', not '{mapping.DecimalSeparator}'.", nameof(mapping));
        }

        if (Separator == Quote || Separator is (byte)'\r' or (byte)'\n' || Quote is (byte)'\r' or (byte)'\n')
        {
            throw new ArgumentException("Separator and quote must differ and must not be line breaks.", nameof(mapping));
        }

        if (mapping.DecimalSeparator == ',' && Separator == (byte)',')
        {
            // "1,5" would be one number or two fields: every record would be misread or refused, so the mapping is.
            throw new ArgumentException("decimal_separator ',' needs another field separator (such as ';' or a tab): with ',' for both, '1,5' cannot be told from two fields.", nameof(mapping));
        }

        DecimalComma = mapping.DecimalSeparator == ',';
        NonFiniteAsMissing = mapping.NonFiniteAsMissing;
        IgnoreExtraFields = mapping.IgnoreExtraFields;
        FileEncoding = Enum.IsDefined(mapping.Encoding) ? mapping.Encoding : throw new ArgumentException($"Unknown encoding {mapping.Encoding}.", nameof(mapping));
        Text = CsvText.For(FileEncoding);
        Missing = Tokens((mapping.MissingValues ?? []).Select(v => KeyValuePair.Create(v, true)), ignoreCase: false, "missing_values");

        var timestamp = mapping.Timestamp ?? throw new ArgumentException("A timestamp mapping is required.", nameof(mapping));
        TimestampFormat = timestamp.Format;
        Zone = timestamp.TimeZone is { Length: > 0 } zoneId
            ? TimeZoneRule.FromZone(FindZone(zoneId))
            : TimeZoneRule.FromOffset(timestamp.UtcOffset);
        if (timestamp.Format == TimestampFormat.DateAndTime)
        {
            _columns[(int)CsvField.Date] = Required(timestamp.DateColumn, "timestamp.date_column");
            _columns[(int)CsvField.Time] = Required(timestamp.TimeColumn, "timestamp.time_column");
            DatePattern = DateTimePattern.Parse(timestamp.DateFormat);
            TimePattern = DateTimePattern.Parse(timestamp.TimeFormat);
        }
        else if (Enum.IsDefined(timestamp.Format))
        {
            _columns[(int)CsvField.Timestamp] = Required(timestamp.Column, "timestamp.column");
        }
        else
        {
            throw new ArgumentException($"Unknown timestamp format {timestamp.Format}.", nameof(mapping));
        }

        _columns[(int)CsvField.Latitude] = Required(mapping.Latitude, "latitude");
        _columns[(int)CsvField.Longitude] = Required(mapping.Longitude, "longitude");
        Numeric(CsvField.Speed, mapping.Speed, MeasurementUnit.KilometresPerHour, MeasurementUnit.MilesPerHour, MeasurementUnit.Knots);
        Numeric(CsvField.SpeedLimit, mapping.SpeedLimit, MeasurementUnit.KilometresPerHour, MeasurementUnit.MilesPerHour, MeasurementUnit.Knots);
        Numeric(CsvField.Heading, mapping.Heading);
        Numeric(CsvField.LongitudinalAcceleration, mapping.LongitudinalAcceleration, MeasurementUnit.StandardGravity);
        Numeric(CsvField.LateralAcceleration, mapping.LateralAcceleration, MeasurementUnit.StandardGravity);
        Numeric(CsvField.GpsAccuracy, mapping.GpsAccuracy);
        _columns[(int)CsvField.EventId] = mapping.EventId;
        _columns[(int)CsvField.TripId] = mapping.TripId is null ? null : Required(mapping.TripId, "trip_id");
        _columns[(int)CsvField.DriverId] = mapping.DriverId is null ? null : Required(mapping.DriverId, "driver_id");

        if (mapping.RoadClass is { } road)
        {
            _columns[(int)CsvField.RoadClass] = road.Column;
            RoadClassesByNameOrNumber = road.Values is not { Count: > 0 };
            RoadClasses = road.Values is { Count: > 0 } values
                ? Tokens(values, ignoreCase: false, "road_class.values")
                : new Utf8TokenSet<RoadClass>(Enum.GetValues<RoadClass>().Select(c => KeyValuePair.Create(c.ToString(), c))
                    .Concat(Enum.GetValues<RoadClass>().Select(c => KeyValuePair.Create(((byte)c).ToString(CultureInfo.InvariantCulture), c))), ignoreCase: true);
        }

        PhoneHandheld = Flag(CsvField.PhoneHandheld, mapping.PhoneHandheld);
        PhoneInteraction = Flag(CsvField.PhoneInteraction, mapping.PhoneInteraction);

        // Header names are compared as text decoded in the file's encoding: one it cannot hold would never be found.
        for (var field = CsvField.Timestamp; field < (CsvField)FieldCount; field++)
        {
            if (_columns[(int)field] is { } column)
            {
                _ = CsvText.Encode(FileEncoding, column.Trim(), JsonName(field));
            }
        }
    }

    /// <summary>The encoding the file's bytes are in; the mapping's strings are compared in it.</summary>
    public CsvEncoding FileEncoding { get; }

    /// <summary>Decodes the file's text where it is shown (header names, excerpts in errors and warnings).</summary>
    public Encoding Text { get; }

    /// <summary>True when compared text that is not valid UTF-8 is worth a hint that the file may be in another encoding.</summary>
    public bool HintsAtEncoding => FileEncoding == CsvEncoding.Utf8;

    public byte Separator { get; }

    public byte Quote { get; }

    public bool DecimalComma { get; }

    public bool NonFiniteAsMissing { get; }

    public bool IgnoreExtraFields { get; }

    public Utf8TokenSet<bool> Missing { get; }

    public TimestampFormat TimestampFormat { get; }

    public TimeZoneRule Zone { get; }

    public DateTimePattern? DatePattern { get; }

    public DateTimePattern? TimePattern { get; }

    public Utf8TokenSet<RoadClass>? RoadClasses { get; }

    /// <summary>True when the road class column holds class names or numbers rather than a source's own classes.</summary>
    public bool RoadClassesByNameOrNumber { get; }

    public Utf8TokenSet<bool>? PhoneHandheld { get; }

    public Utf8TokenSet<bool>? PhoneInteraction { get; }

    /// <summary>Per field, the texts its own column's mapping reads as missing, or null when it names none.</summary>
    public Utf8TokenSet<bool>?[] ColumnMissing { get; } = new Utf8TokenSet<bool>?[FieldCount];

    /// <summary>Multiplier from the column's unit to SI, per field (1 where no conversion).</summary>
    public double[] Factors { get; } = Enumerable.Repeat(1.0, FieldCount).ToArray();

    /// <summary>Header name mapped to each field, or null.</summary>
    public string? ColumnOf(CsvField field) => _columns[(int)field];

    /// <summary>Whether a field's text means no value: empty, or one of the mapping's missing-value tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsMissing(ReadOnlySpan<byte> value) => value.IsEmpty || Missing.TryMatch(value, out _);

    /// <summary>Maps each header position to the field it feeds; throws when a required column is absent.</summary>
    public CsvField[] Resolve(ReadOnlySpan<string> header, long headerLine, ReadOnlySpan<byte> rawHeader)
    {
        var kinds = new CsvField[header.Length];

        // Read as UTF-8, a header saved as Windows-1252 has U+FFFD where its accented letters were.
        var notUtf8 = HintsAtEncoding && CsvText.IsInvalidUtf8(rawHeader);
        for (var field = CsvField.Timestamp; field < (CsvField)FieldCount; field++)
        {
            var column = _columns[(int)field];
            if (column is null)
            {
                continue;
            }

            var index = -1;
            for (var i = 0; i < header.Length; i++)
            {
                if (kinds[i] == CsvField.None && string.Equals(header[i], column.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    index = i;
                    break;
                }
            }

            if (index >= 0)
            {
                kinds[index] = field;
            }
            else if (field is CsvField.Timestamp or CsvField.Date or CsvField.Time or CsvField.Latitude or CsvField.Longitude)
            {
                throw TelematicsFormatException.For(
                    headerLine, column, $"the header has no column '{column}', which the mapping requires{(notUtf8 ? "; the header is " + CsvText.NotUtf8Hint : string.Empty)}", rawHeader, Text);
            }
            else if (notUtf8 && !System.Text.Ascii.IsValid(column))
            {
                // Not dropped as absent: the column is most likely there, its accented name mis-decoded.
                throw TelematicsFormatException.For(headerLine, column, $"the header has no column '{column}' and is {CsvText.NotUtf8Hint}", rawHeader, Text);
            }
            else
            {
                // An optional column the file does not have: the field is missing in every sample.
                _columns[(int)field] = null;
            }
        }

        return kinds;
    }

    private static byte Ascii(char c, string name) =>
        c is > '\0' and < (char)128 ? (byte)c : throw new ArgumentException($"{name} must be one ASCII character.", name);

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"timestamp.time_zone '{id}' is not a time zone this system knows.", nameof(id), e);
        }
    }

    private static string Required(string? column, string name) =>
        string.IsNullOrWhiteSpace(column) ? throw new ArgumentException($"The mapping needs a column name for {name}.", nameof(column)) : column;

    private void Numeric(CsvField field, CsvNumericColumn? column, params MeasurementUnit[] allowed)
    {
        if (column is null)
        {
            return;
        }

        if (column.Unit != MeasurementUnit.Si && Array.IndexOf(allowed, column.Unit) < 0)
        {
            throw new ArgumentException($"Unit {column.Unit} does not fit field {field}.", nameof(column));
        }

        _columns[(int)field] = Required(column.Column, field.ToString());
        if (column.MissingValues is { Count: > 0 } missing)
        {
            ColumnMissing[(int)field] = Tokens(missing.Select(v => KeyValuePair.Create(v, true)), ignoreCase: false, $"{JsonName(field)}.missing_values");
        }

        Factors[(int)field] = column.Unit switch
        {
            MeasurementUnit.KilometresPerHour => 1 / 3.6,
            MeasurementUnit.MilesPerHour => 0.44704,
            MeasurementUnit.Knots => 1852.0 / 3600.0,
            MeasurementUnit.StandardGravity => 9.80665,
            _ => 1.0,
        };
    }

    private Utf8TokenSet<bool>? Flag(CsvField field, CsvFlagColumn? column)
    {
        if (column is null)
        {
            return null;
        }

        _columns[(int)field] = Required(column.Column, field.ToString());
        var tokens = (column.TrueValues ?? []).Select(v => KeyValuePair.Create(v, true))
            .Concat((column.FalseValues ?? []).Select(v => KeyValuePair.Create(v, false)));
        return Tokens(tokens, ignoreCase: true, $"{JsonName(field)}.true_values or false_values");
    }

    private Utf8TokenSet<TValue> Tokens<TValue>(IEnumerable<KeyValuePair<string, TValue>> tokens, bool ignoreCase, string field)
    {
        var encoding = FileEncoding;
        return new Utf8TokenSet<TValue>(tokens, ignoreCase, token => CsvText.Encode(encoding, token, field));
    }

    // The mapping's JSON name of a field, for errors about the mapping itself.
    private static string JsonName(CsvField field) => field switch
    {
        CsvField.Timestamp => "timestamp.column",
        CsvField.Date => "timestamp.date_column",
        CsvField.Time => "timestamp.time_column",
        CsvField.Latitude => "latitude",
        CsvField.Longitude => "longitude",
        CsvField.Speed => "speed",
        CsvField.Heading => "heading",
        CsvField.LongitudinalAcceleration => "longitudinal_acceleration",
        CsvField.LateralAcceleration => "lateral_acceleration",
        CsvField.GpsAccuracy => "gps_accuracy",
        CsvField.SpeedLimit => "speed_limit",
        CsvField.RoadClass => "road_class",
        CsvField.PhoneHandheld => "phone_handheld",
        CsvField.PhoneInteraction => "phone_interaction",
        CsvField.EventId => "event_id",
        CsvField.TripId => "trip_id",
        CsvField.DriverId => "driver_id",
        _ => field.ToString(),
    };

    /// <summary>Header names from a raw header line, unquoted and trimmed.</summary>
    public static string[] SplitHeader(ReadOnlySpan<byte> line, byte separator, byte quote, Encoding encoding)
    {
        var names = new List<string>();
        var text = encoding.GetString(line);
        var builder = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == quote && i + 1 < text.Length && text[i + 1] == quote)
                {
                    builder.Append(c);
                    i++;
                }
                else if (c == quote)
                {
                    inQuotes = false;
                }
                else
                {
                    builder.Append(c);
                }
            }
            else if (c == quote)
            {
                inQuotes = true;
            }
            else if (c == separator)
            {
                names.Add(builder.ToString().Trim());
                builder.Clear();
            }
            else
            {
                builder.Append(c);
            }
        }

        names.Add(builder.ToString().Trim());
        return [.. names];
    }
}
