using System.Text.Json;
using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// How a phone recording is written: its frame, units, time column and the files that hold each sensor. Load one from
/// JSON (<see cref="FromJson"/>, <see cref="Load"/>; see <c>docs/mappings/</c> and <c>docs/formats/phone-sensors.md</c>)
/// or build it in code; <see cref="PerSensorFiles"/> is the layout of Android/iOS loggers.
/// </summary>
public sealed class ImuMapping
{
    /// <summary>The axes the readings are in.</summary>
    /// <value>Default <see cref="SensorFrame.Device"/>.</value>
    public SensorFrame Frame { get; set; } = SensorFrame.Device;

    /// <summary>Field separator, one ASCII character.</summary>
    /// <value>Default <c>,</c>.</value>
    public char Separator { get; set; } = ',';

    /// <summary>
    /// Decimal separator of numbers and times: <c>.</c>, or <c>,</c> as a spreadsheet or phyphox writes in many locales
    /// (the field separator is then another, such as <c>;</c>).
    /// </summary>
    /// <value>Default <c>.</c>.</value>
    public char DecimalSeparator { get; set; } = '.';

    /// <summary>Unit of accelerometer and linear acceleration: <c>mps2</c> or <c>g</c> (iOS writes g).</summary>
    /// <value>Default <see cref="ImuAccelerationUnit.Mps2"/>.</value>
    public ImuAccelerationUnit AccelerationUnit { get; set; } = ImuAccelerationUnit.Mps2;

    /// <summary>
    /// Sign of accelerometer and linear acceleration: <c>android</c> (+1 g up at rest) or <c>ios</c> (Core Motion, −1 g up
    /// at rest, negated on reading). Read with the wrong one, the vertical points down and mirrors the road: every left
    /// turn and lane change comes out as a right one.
    /// </summary>
    /// <value>Default <see cref="ImuAccelerationConvention.Android"/>.</value>
    public ImuAccelerationConvention AccelerationConvention { get; set; } = ImuAccelerationConvention.Android;

    /// <summary>Unit of the gyroscope: <c>rad_s</c> or <c>deg_s</c>.</summary>
    /// <value>Default <see cref="ImuRotationUnit.RadS"/>.</value>
    public ImuRotationUnit RotationUnit { get; set; } = ImuRotationUnit.RadS;

    /// <summary>The time column and its format.</summary>
    /// <value>Default: column <c>time</c>, format <see cref="ImuTimeFormat.Auto"/>.</value>
    public ImuTimeMapping Time { get; set; } = new();

    /// <summary>The files of a recording. A file absent from a directory is skipped.</summary>
    /// <value>Default: none.</value>
    public IList<ImuFileMapping> Files { get; init; } = [];

    /// <summary>
    /// The layout of per-sensor loggers: <c>accelerometer.csv</c>, <c>linear_acceleration.csv</c>, <c>gyroscope.csv</c>
    /// and <c>magnetometer.csv</c>, each <c>time,x,y,z</c> in SI units with the time unit told from the readings' spacing,
    /// and optionally <c>gps.csv</c> (<c>time,latitude,longitude,speed</c>).
    /// </summary>
    /// <param name="frame">The frame the logger wrote.</param>
    /// <returns>A new mapping.</returns>
    public static ImuMapping PerSensorFiles(SensorFrame frame) => new()
    {
        Frame = frame,
        Files =
        [
            new() { Name = "accelerometer.csv", Accelerometer = new() },
            new() { Name = "linear_acceleration.csv", LinearAcceleration = new() },
            new() { Name = "gyroscope.csv", Gyroscope = new() },
            new() { Name = "magnetometer.csv", Magnetometer = new() },
            new() { Name = "gps.csv", Gps = new() },
        ],
    };

    /// <summary>Reads a mapping from JSON (snake_case properties, comments and trailing commas allowed).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The validated mapping.</returns>
    /// <exception cref="TelematicsFormatException">The JSON is malformed, names an unknown property, or the mapping is invalid; the message names the line and property.</exception>
    public static ImuMapping FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ImuMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize(WithoutByteOrderMark(json), ImuMappingJsonContext.Default.ImuMapping);
        }
        catch (JsonException e)
        {
            throw new TelematicsFormatException((e.LineNumber ?? 0) + 1, e.Path, e.Message, string.Empty);
        }

        if (mapping is null)
        {
            throw new TelematicsFormatException(1, null, "the mapping is null", string.Empty);
        }

        mapping.Validate();
        return mapping;
    }

    /// <summary>Reads a mapping file.</summary>
    /// <param name="path">Path of the JSON file.</param>
    /// <returns>The validated mapping.</returns>
    /// <exception cref="TelematicsFormatException">As <see cref="FromJson"/>.</exception>
    public static ImuMapping Load(string path) => FromJson(File.ReadAllText(path));

    // Text read with an encoding that kept the byte order mark (a stream read as Latin-1 then decoded, an HTTP body)
    // starts with U+FEFF, which JSON does not allow: the mark is not part of the mapping.
    private static ReadOnlySpan<char> WithoutByteOrderMark(string json) =>
        json.Length > 0 && json[0] == '\uFEFF' ? json.AsSpan(1) : json.AsSpan();

    /// <summary>Writes the mapping as indented JSON that <see cref="FromJson"/> reads back.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ImuMappingJsonContext.Default.ImuMapping);

    /// <summary>Checks the mapping; throws <see cref="TelematicsFormatException"/> naming the property at fault.</summary>
    /// <exception cref="TelematicsFormatException">The mapping cannot be used.</exception>
    public void Validate()
    {
        if (Separator > 127 || Separator is '\r' or '\n' or '"' || char.IsLetterOrDigit(Separator) || Separator is '.' or '-' or '+')
        {
            throw new TelematicsFormatException(0, "separator", $"'{Separator}' cannot separate numeric fields", string.Empty);
        }

        if (DecimalSeparator is not ('.' or ','))
        {
            throw new TelematicsFormatException(0, "decimal_separator", $"'{DecimalSeparator}' is not a decimal separator: give '.' or ','", string.Empty);
        }

        if (DecimalSeparator == Separator)
        {
            throw new TelematicsFormatException(0, "decimal_separator", $"'{DecimalSeparator}' is also the field separator: with a decimal comma, separate fields with ';' or a tab", string.Empty);
        }

        if (string.IsNullOrWhiteSpace(Time.Column))
        {
            throw new TelematicsFormatException(0, "time.column", "give the time column's name", string.Empty);
        }

        if (Time.Format == ImuTimeFormat.Pattern)
        {
            try
            {
                _ = Telematics.Features.Ingest.Text.DateTimePattern.Parse(Time.Pattern);
            }
            catch (ArgumentException e)
            {
                throw new TelematicsFormatException(0, "time.pattern", e.Message, string.Empty);
            }
        }

        if (Time.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(Time.TimeZone, out _))
        {
            throw new TelematicsFormatException(0, "time.time_zone", $"'{Time.TimeZone}' is not a time zone known on this machine", string.Empty);
        }

        if (Files.Count == 0)
        {
            throw new TelematicsFormatException(0, "files", "list at least one file", string.Empty);
        }

        for (var i = 0; i < Files.Count; i++)
        {
            var file = Files[i];
            if (string.IsNullOrWhiteSpace(file.Name) || file.Name.IndexOfAny(['/', '\\']) >= 0)
            {
                throw new TelematicsFormatException(0, $"files[{i}].name", "give a file name without a directory", string.Empty);
            }

            if (file.Accelerometer is null && file.LinearAcceleration is null && file.Gyroscope is null && file.Magnetometer is null && file.Gps is null)
            {
                throw new TelematicsFormatException(0, $"files[{i}]", $"'{file.Name}' names no sensor", string.Empty);
            }
        }
    }
}
