using System.Text.Json;

namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// Which CSV column feeds which sample field, in which unit, and how the file is punctuated; load one from JSON
/// (<see cref="FromJson"/>, <see cref="Load"/>) or build it in code.
/// </summary>
/// <remarks>
/// <para>
/// A new instance is the default mapping, whose canonical header names are <c>timestamp</c> (Unix ms or ISO-8601),
/// <c>lat</c>, <c>lon</c> (degrees), <c>speed_mps</c>, <c>heading_deg</c>, <c>accel_lon_mps2</c>,
/// <c>accel_lat_mps2</c>, <c>gps_accuracy_m</c>, <c>speed_limit_mps</c>, <c>road_class</c> (a
/// <see cref="Samples.RoadClass"/> name or number), <c>phone_handheld</c>, <c>phone_interaction</c> (1/0,
/// true/false, yes/no) and <c>event_id</c>. Columns the header lacks are missing in every sample, except the
/// timestamp, latitude and longitude, without which the header is rejected. Columns the mapping does not name are
/// ignored. Set an optional field to <see langword="null"/> to ignore its column even when present. A sample whose
/// two phone columns are both absent, ignored or missing gets <see cref="Samples.SampleFlags.PhoneUnknown"/>: the file
/// does not record phone use there, which is not "not used".
/// </para>
/// <para>
/// In JSON, property names are snake_case (<c>decimal_separator</c>, <c>speed_limit</c>), units and formats are
/// the names shown on <see cref="MeasurementUnit"/> and <see cref="TimestampFormat"/>, a UTC offset is written
/// <c>"-03:00:00"</c>, and unknown properties are an error. See <c>docs/mappings/</c> for examples.
/// </para>
/// </remarks>
public sealed class CsvColumnMapping
{
    /// <summary>Field separator: <c>,</c>, <c>;</c>, tab or another single ASCII character.</summary>
    /// <value>Default <c>,</c>.</value>
    public char Separator { get; set; } = ',';

    /// <summary>Decimal separator of numbers: <c>.</c> or <c>,</c>; <c>,</c> needs another <see cref="Separator"/> (the mapping is refused otherwise).</summary>
    /// <value>Default <c>.</c>.</value>
    public char DecimalSeparator { get; set; } = '.';

    /// <summary>
    /// Character encoding of the file: <c>"utf-8"</c>, <c>"latin1"</c> (ISO-8859-1) or <c>"windows-1252"</c> (what Excel
    /// saves as "CSV" on Western European and Brazilian Windows). The mapping's own texts (header names, missing values,
    /// road classes, flag values) are encoded into it once, and a text it cannot hold makes the mapping unusable; errors
    /// and warnings show the file's text decoded with it.
    /// </summary>
    /// <value>
    /// Default <see cref="CsvEncoding.Utf8"/>, whose byte order mark is skipped; a header or road class that is not valid
    /// UTF-8 is then reported with a hint to set this. With <c>latin1</c> or <c>windows-1252</c> a file that starts with a
    /// UTF-8 byte order mark is refused, as the mark says it is UTF-8. A UTF-16 file is refused whatever this says.
    /// </value>
    public CsvEncoding Encoding { get; set; }

    /// <summary>Quote character: a field that starts with it ends at the next lone one, and a doubled one inside stands for itself.</summary>
    /// <value>Default <c>"</c>. Quoted fields may hold the separator but not a line break.</value>
    public char Quote { get; set; } = '"';

    /// <summary>Texts (compared exactly after trimming) that mean "no value"; an empty field always does.</summary>
    /// <value>Default empty list.</value>
    public IList<string> MissingValues { get; set; } = [];

    /// <summary>
    /// Whether <c>NaN</c> in optional numeric fields counts as missing (true) or makes the record bad (false). It is
    /// always bad in latitude, longitude and timestamp. <c>Infinity</c> and numbers too large for the field (<c>1e300</c>)
    /// are always bad, unless the reader's plausibility is <see cref="SamplePlausibility.Unbounded"/> (then they follow this setting).
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool NonFiniteAsMissing { get; set; } = true;

    /// <summary>Where the timestamp comes from; required.</summary>
    /// <value>Default: column <c>timestamp</c>, <see cref="TimestampFormat.Auto"/>, UTC.</value>
    public CsvTimestampMapping Timestamp { get; set; } = new();

    /// <summary>Header name of the latitude column (WGS84 degrees); required.</summary>
    /// <value>Default <c>lat</c>.</value>
    public string Latitude { get; set; } = "lat";

    /// <summary>Header name of the longitude column (WGS84 degrees); required.</summary>
    /// <value>Default <c>lon</c>.</value>
    public string Longitude { get; set; } = "lon";

    /// <summary>Ground speed column; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>speed_mps</c> in m/s.</value>
    public CsvNumericColumn? Speed { get; set; } = new("speed_mps");

    /// <summary>Heading column, degrees clockwise from north; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>heading_deg</c>.</value>
    public CsvNumericColumn? Heading { get; set; } = new("heading_deg");

    /// <summary>Longitudinal acceleration column (positive forwards); <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>accel_lon_mps2</c> in m/s².</value>
    public CsvNumericColumn? LongitudinalAcceleration { get; set; } = new("accel_lon_mps2");

    /// <summary>Lateral acceleration column (positive to the left); <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>accel_lat_mps2</c> in m/s².</value>
    public CsvNumericColumn? LateralAcceleration { get; set; } = new("accel_lat_mps2");

    /// <summary>GPS accuracy radius column, metres; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>gps_accuracy_m</c>.</value>
    public CsvNumericColumn? GpsAccuracy { get; set; } = new("gps_accuracy_m");

    /// <summary>Posted speed limit column; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>speed_limit_mps</c> in m/s.</value>
    public CsvNumericColumn? SpeedLimit { get; set; } = new("speed_limit_mps");

    /// <summary>Road class column; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>road_class</c> holding <see cref="Samples.RoadClass"/> names or numbers.</value>
    public CsvRoadClassColumn? RoadClass { get; set; } = new("road_class");

    /// <summary>Column that sets <see cref="Samples.SampleFlags.PhoneHandheld"/>; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>phone_handheld</c>.</value>
    public CsvFlagColumn? PhoneHandheld { get; set; } = new("phone_handheld");

    /// <summary>Column that sets <see cref="Samples.SampleFlags.PhoneInteraction"/>; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>phone_interaction</c>.</value>
    public CsvFlagColumn? PhoneInteraction { get; set; } = new("phone_interaction");

    /// <summary>Header name of the integer event id column; <see langword="null"/> to ignore.</summary>
    /// <value>Default <c>event_id</c>.</value>
    public string? EventId { get; set; } = "event_id";

    /// <summary>
    /// Header name of the column holding the source's own trip id (an integer or any text), so that trips end where the
    /// id changes even when no gap or stop parts them; <see langword="null"/> for none.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: trips are cut by gaps and stops only. An empty or missing value (see
    /// <see cref="MissingValues"/>) means the row's trip is not known; any other text is an id, never a bad record. Ids
    /// are compared whole within one read, and across reads (another upload) by a 2-bit tag (<see cref="Samples.TripTag"/>):
    /// consecutive integer ids always differ, two text ids share a tag one time in four, and then only gaps and stops part those trips.
    /// </value>
    public string? TripId { get; set; }

    /// <summary>
    /// Header name of a column naming the driver (a study's <c>DRIVER</c>), checked so that two drivers' rows are never
    /// read as one driver's trips; <see langword="null"/> for none.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: not checked. A file or upload holds one driver's events, so a record naming another
    /// driver than the first record that names one is bad, named by this column (split such a file by it). An empty or
    /// missing value (see <see cref="MissingValues"/>) is not checked; ASCII spaces and tabs at either end are not part of the name.
    /// </value>
    public string? DriverId { get; set; }

    /// <summary>
    /// Whether a record with more fields than the header is read (the extra fields ignored) instead of being bad. A
    /// record that runs past the header usually holds an unquoted separator, so its fields cannot be trusted.
    /// </summary>
    /// <value>Default <see langword="false"/>: such a record is bad, named by the first field past the header (<c>#n</c>).</value>
    public bool IgnoreExtraFields { get; set; }

    /// <summary>Reads a mapping from JSON text.</summary>
    /// <param name="json">The mapping as JSON; see the remarks of <see cref="CsvColumnMapping"/>.</param>
    /// <returns>The mapping; properties the JSON leaves out keep their defaults.</returns>
    /// <exception cref="TelematicsFormatException">
    /// The JSON is malformed or names an unknown property or value (the exception gives the line), or the mapping it
    /// describes cannot be used (a column name missing, a bad separator, date pattern or time zone; the reason names the field).
    /// </exception>
    public static CsvColumnMapping FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        CsvColumnMapping mapping;
        try
        {
            mapping = JsonSerializer.Deserialize(WithoutByteOrderMark(json), CsvMappingJsonContext.Default.CsvColumnMapping)
                ?? throw new TelematicsFormatException(1, null, "the mapping is JSON null", string.Empty);
        }
        catch (JsonException e)
        {
            throw new TelematicsFormatException((e.LineNumber ?? 0) + 1, e.Path, e.Message, string.Empty);
        }

        try
        {
            // Refused here, where the file is named, rather than when the first reader is made with it.
            _ = new CompiledCsvMapping(mapping);
        }
        catch (ArgumentException e)
        {
            var reason = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            throw new TelematicsFormatException($"The CSV mapping cannot be used: {reason}", e);
        }

        return mapping;
    }

    /// <summary>Reads a mapping from a JSON file.</summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="TelematicsFormatException">The JSON is malformed or names an unknown property or value.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CsvColumnMapping Load(string path) => FromJson(File.ReadAllText(path));

    // Text read with an encoding that kept the byte order mark (a stream read as Latin-1 then decoded, an HTTP body)
    // starts with U+FEFF, which JSON does not allow: the mark is not part of the mapping.
    private static ReadOnlySpan<char> WithoutByteOrderMark(string json) =>
        json.Length > 0 && json[0] == '\uFEFF' ? json.AsSpan(1) : json.AsSpan();

    /// <summary>Writes the mapping as indented JSON that <see cref="FromJson"/> reads back.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, CsvMappingJsonContext.Default.CsvColumnMapping);
}
