using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Ndjson;

/// <summary>
/// Reads samples from newline-delimited JSON: one object per line with the canonical field names, parsed with
/// <see cref="Utf8JsonReader"/> on the line's bytes without allocating per record.
/// </summary>
/// <remarks>
/// <para>
/// Fields: <c>timestamp</c> (integer Unix milliseconds or an ISO-8601 string; UTC when it has no offset), <c>lat</c>,
/// <c>lon</c> (degrees, required), <c>speed_mps</c>, <c>heading_deg</c>, <c>accel_lon_mps2</c>, <c>accel_lat_mps2</c>,
/// <c>gps_accuracy_m</c>, <c>speed_limit_mps</c> (numbers), <c>road_class</c> (a <see cref="RoadClass"/> name or
/// number), <c>phone_handheld</c>, <c>phone_interaction</c> (booleans), <c>event_id</c> (integer) and <c>trip_id</c> (the
/// source's own trip id, a number or a string: a trip ends where it changes; see <see cref="TripTag"/>; a whole number
/// written as a float, such as <c>3.0</c>, is that integer, any other number an id by its text, and an empty string no id). Optional fields
/// may be absent or <c>null</c>; a record with neither phone field (or both <c>null</c>) gets
/// <see cref="SampleFlags.PhoneUnknown"/>, since a source that records phone use says <c>false</c>. Other properties are ignored, whatever their value. A known field given twice makes
/// the record bad (last-wins would silently pick one of two readings). Blank lines are skipped, CRLF and
/// a UTF-8 byte order mark are accepted (a UTF-16 file is refused by its mark), the last line needs no line break.
/// </para>
/// <para>
/// A line that is not one JSON object, a field of the wrong type, a number outside its range (latitude ±90,
/// longitude ±180) or a missing required field makes the record bad. See <see cref="SampleReader"/> for the read loop.
/// </para>
/// </remarks>
public sealed partial class NdjsonSampleReader : SampleReader, ILineParser
{
    private readonly LineFramer _framer;

    private NdjsonSampleReader(PipeReader input, SampleReaderOptions? options, bool leaveOpen)
        : base(input, options, leaveOpen)
    {
        _framer = new LineFramer(this, this);
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="input">The NDJSON bytes, UTF-8.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> uncompleted.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static NdjsonSampleReader Create(PipeReader input, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(input, options, leaveOpen);

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The NDJSON bytes, UTF-8.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    /// <returns>The reader; dispose it when done.</returns>
    public static NdjsonSampleReader FromStream(Stream stream, SampleReaderOptions? options = null, bool leaveOpen = false) =>
        new(OpenStream(stream, leaveOpen), options, leaveOpen: false);

    /// <summary>Opens an NDJSON file for reading.</summary>
    /// <param name="path">Path of the file.</param>
    /// <param name="options">Bad-record handling and limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The reader; disposing it closes the file.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static NdjsonSampleReader OpenFile(string path, SampleReaderOptions? options = null) =>
        FromStream(OpenFileStream(path), options, leaveOpen: false);

    private protected override ValueTask FillAsync(SampleBuffer destination, int limit, CancellationToken cancellationToken) =>
        _framer.FillAsync(destination, limit, cancellationToken);

    private protected override void ReleaseBuffers() => _framer.ReleaseBuffers();

    LineOutcome ILineParser.ParseLine(ReadOnlySpan<byte> line, long lineNumber, out TelematicsSample sample, ref RecordError error) =>
        TryParseObject(line, out sample, ref error) ? LineOutcome.Sample : LineOutcome.Error;

    /// <summary>Parses one JSON object with the canonical field names; shared with the JSON array reader.</summary>
    internal static bool TryParseObject(ReadOnlySpan<byte> json, out TelematicsSample sample, ref RecordError error)
    {
        try
        {
            return Parse(json, out sample, ref error);
        }
        catch (JsonException e)
        {
            sample = default;
            return TryParseWithoutNonFiniteLiterals(json, out sample, ref error) ?? error.Set(null, "not valid JSON: " + e.Message);
        }
    }

    // A record the JSON reader refused may only hold NaN or Infinity where a figure is missing (Python's json.dumps):
    // read again with them as null. Null when the record has none, or is not JSON even so. Rare path: a rented buffer.
    private static bool? TryParseWithoutNonFiniteLiterals(ReadOnlySpan<byte> json, out TelematicsSample sample, ref RecordError error)
    {
        sample = default;
        var rented = ArrayPool<byte>.Shared.Rent(JsonNonFiniteLiterals.MaxRewrittenLength(json.Length));
        try
        {
            return JsonNonFiniteLiterals.TryRewrite(json, rented, out var written) ? Parse(rented.AsSpan(0, written), out sample, ref error) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool Parse(ReadOnlySpan<byte> line, out TelematicsSample sample, ref RecordError error)
    {
        sample = default;
        var json = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            return error.Set(null, "the line is not a JSON object");
        }

        long timestamp = 0;
        double latitude = double.NaN, longitude = double.NaN;
        float speed = float.NaN, heading = float.NaN, longitudinal = float.NaN, lateral = float.NaN, accuracy = float.NaN, limit = float.NaN;
        var roadClass = RoadClass.Unknown;
        var flags = SampleFlags.None;
        var phoneKnown = false;
        long eventId = 0;
        var hasTimestamp = false;

        var seen = 0;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var field = Identify(ref json);
            if (field != NdjsonField.None)
            {
                // A repeated field would silently let the last value win; which one the device meant is unknowable.
                var bit = 1 << (int)field;
                if ((seen & bit) != 0)
                {
                    return error.Set(FieldNames[(int)field], "the field appears more than once");
                }

                seen |= bit;
            }

            json.Read();
            var ok = field switch
            {
                NdjsonField.Timestamp => TryTimestamp(ref json, out timestamp, out hasTimestamp, ref error),
                NdjsonField.Latitude => TryDouble(ref json, "lat", out latitude, ref error),
                NdjsonField.Longitude => TryDouble(ref json, "lon", out longitude, ref error),
                NdjsonField.Speed => TrySingle(ref json, "speed_mps", out speed, ref error),
                NdjsonField.Heading => TrySingle(ref json, "heading_deg", out heading, ref error),
                NdjsonField.LongitudinalAcceleration => TrySingle(ref json, "accel_lon_mps2", out longitudinal, ref error),
                NdjsonField.LateralAcceleration => TrySingle(ref json, "accel_lat_mps2", out lateral, ref error),
                NdjsonField.GpsAccuracy => TrySingle(ref json, "gps_accuracy_m", out accuracy, ref error),
                NdjsonField.SpeedLimit => TrySingle(ref json, "speed_limit_mps", out limit, ref error),
                NdjsonField.RoadClass => TryRoadClass(ref json, out roadClass, ref error),
                NdjsonField.PhoneHandheld => TryFlag(ref json, "phone_handheld", SampleFlags.PhoneHandheld, ref flags, ref phoneKnown, ref error),
                NdjsonField.PhoneInteraction => TryFlag(ref json, "phone_interaction", SampleFlags.PhoneInteraction, ref flags, ref phoneKnown, ref error),
                NdjsonField.EventId => TryEventId(ref json, out eventId, ref error),
                NdjsonField.TripId => TryTripId(ref json, ref flags, ref error),
                _ => json.TrySkip(),
            };
            if (!ok)
            {
                return false;
            }
        }

        if (json.TokenType != JsonTokenType.EndObject)
        {
            return error.Set(null, "the line is not a JSON object");
        }

        // Anything after the object (other than whitespace) makes the reader throw a JsonException here.
        if (json.Read())
        {
            return error.Set(null, "text follows the JSON object");
        }

        if (!hasTimestamp)
        {
            return error.Set("timestamp", "the timestamp is missing");
        }

        if (double.IsNaN(latitude))
        {
            return error.Set("lat", "the value is missing");
        }

        if (double.IsNaN(longitude))
        {
            return error.Set("lon", "the value is missing");
        }

        if (Math.Abs(latitude) > 90)
        {
            return error.Set("lat", "outside ±90 degrees");
        }

        if (Math.Abs(longitude) > 180)
        {
            return error.Set("lon", "outside ±180 degrees");
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
            // Neither phone field given (or both null): the device says nothing of phone use, which is not "no use".
            Flags = phoneKnown ? flags : flags | SampleFlags.PhoneUnknown,
            EventId = eventId,
        };
        return true;
    }

    /// <summary>Canonical names by <see cref="NdjsonField"/>, for errors.</summary>
    private static readonly string[] FieldNames =
    [
        string.Empty, "timestamp", "lat", "lon", "speed_mps", "heading_deg", "accel_lon_mps2", "accel_lat_mps2", "gps_accuracy_m",
        "speed_limit_mps", "road_class", "phone_handheld", "phone_interaction", "event_id", "trip_id",
    ];

    private static NdjsonField Identify(ref Utf8JsonReader json)
    {
        if (json.ValueTextEquals("timestamp"u8)) return NdjsonField.Timestamp;
        if (json.ValueTextEquals("lat"u8)) return NdjsonField.Latitude;
        if (json.ValueTextEquals("lon"u8)) return NdjsonField.Longitude;
        if (json.ValueTextEquals("speed_mps"u8)) return NdjsonField.Speed;
        if (json.ValueTextEquals("heading_deg"u8)) return NdjsonField.Heading;
        if (json.ValueTextEquals("accel_lon_mps2"u8)) return NdjsonField.LongitudinalAcceleration;
        if (json.ValueTextEquals("accel_lat_mps2"u8)) return NdjsonField.LateralAcceleration;
        if (json.ValueTextEquals("gps_accuracy_m"u8)) return NdjsonField.GpsAccuracy;
        if (json.ValueTextEquals("speed_limit_mps"u8)) return NdjsonField.SpeedLimit;
        if (json.ValueTextEquals("road_class"u8)) return NdjsonField.RoadClass;
        if (json.ValueTextEquals("phone_handheld"u8)) return NdjsonField.PhoneHandheld;
        if (json.ValueTextEquals("phone_interaction"u8)) return NdjsonField.PhoneInteraction;
        if (json.ValueTextEquals("event_id"u8)) return NdjsonField.EventId;
        if (json.ValueTextEquals("trip_id"u8)) return NdjsonField.TripId;
        return NdjsonField.None;
    }

    private enum NdjsonField : byte
    {
        None,
        Timestamp,
        Latitude,
        Longitude,
        Speed,
        Heading,
        LongitudinalAcceleration,
        LateralAcceleration,
        GpsAccuracy,
        SpeedLimit,
        RoadClass,
        PhoneHandheld,
        PhoneInteraction,
        EventId,
        TripId,
    }
}
