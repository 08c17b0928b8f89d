using System.Buffers;
using System.Text.Json;
using Telematics.Features.Ingest.Text;
using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Ndjson;

// Each field's value: its JSON token checked and converted, or the record's error naming the field.
public sealed partial class NdjsonSampleReader
{
    private static bool TryTimestamp(ref Utf8JsonReader json, out long unixMs, out bool present, ref RecordError error)
    {
        unixMs = 0;
        present = true;
        if (json.TokenType == JsonTokenType.Number)
        {
            return json.TryGetInt64(out unixMs) || error.Set("timestamp", "not an integer number of Unix milliseconds");
        }

        if (json.TokenType != JsonTokenType.String)
        {
            present = json.TokenType != JsonTokenType.Null;
            return error.Set("timestamp", "the timestamp is missing or not a number or string");
        }

        Span<byte> text = stackalloc byte[64];
        if (json.ValueIsEscaped || json.ValueSpan.Length > text.Length)
        {
            if (json.ValueSpan.Length > text.Length)
            {
                return error.Set("timestamp", "not an ISO-8601 date and time");
            }

            if (!TryUnescape(ref json, text, out var length))
            {
                return error.Set("timestamp", "not valid UTF-8 text");
            }

            text = text[..length];
        }
        else
        {
            text = text[..json.ValueSpan.Length];
            json.ValueSpan.CopyTo(text);
        }

        return Iso8601.TryParse(text, TimeZoneRule.Utc, out unixMs) || error.Set("timestamp", "not an ISO-8601 date and time");
    }

    // CopyString throws on escapes that decode to invalid UTF-8 (e.g. a lone surrogate): a bad record, not a crash.
    private static bool TryUnescape(ref Utf8JsonReader json, scoped Span<byte> destination, out int length)
    {
        try
        {
            length = json.CopyString(destination);
            return true;
        }
        catch (InvalidOperationException)
        {
            length = 0;
            return false;
        }
    }

    private static bool TryDouble(ref Utf8JsonReader json, string name, out double value, ref RecordError error)
    {
        value = double.NaN;
        if (json.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (json.TokenType != JsonTokenType.Number)
        {
            return error.Set(name, "not a number");
        }

        return (json.TryGetDouble(out value) && double.IsFinite(value)) || error.Set(name, "not a finite number");
    }

    private static bool TrySingle(ref Utf8JsonReader json, string name, out float value, ref RecordError error)
    {
        value = float.NaN;
        if (json.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (json.TokenType != JsonTokenType.Number)
        {
            return error.Set(name, "not a number");
        }

        return (json.TryGetSingle(out value) && float.IsFinite(value)) || error.Set(name, "not a finite number");
    }

    private static bool TryRoadClass(ref Utf8JsonReader json, out RoadClass value, ref RecordError error)
    {
        value = RoadClass.Unknown;
        switch (json.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number:
                return (json.TryGetByte(out var number) && number <= (byte)RoadClass.Service && Assign(out value, (RoadClass)number))
                    || error.Set("road_class", "not a road class number 0-7");
            case JsonTokenType.String:
                for (var c = RoadClass.Unknown; c <= RoadClass.Service; c++)
                {
                    if (EqualsIgnoreCase(ref json, RoadClassNames.Utf8(c)))
                    {
                        value = c;
                        return true;
                    }
                }

                return error.Set("road_class", "not a road class name");
            default:
                return error.Set("road_class", "not a road class name or number");
        }
    }

    private static bool EqualsIgnoreCase(ref Utf8JsonReader json, ReadOnlySpan<byte> name) =>
        !json.ValueIsEscaped && System.Text.Ascii.EqualsIgnoreCase(json.ValueSpan, name);

    private static bool Assign(out RoadClass target, RoadClass value)
    {
        target = value;
        return true;
    }

    private static bool TryFlag(ref Utf8JsonReader json, string name, SampleFlags flag, ref SampleFlags flags, ref bool known, ref RecordError error)
    {
        switch (json.TokenType)
        {
            case JsonTokenType.True:
                flags |= flag;
                known = true;
                return true;
            case JsonTokenType.False:
                known = true;
                return true;
            case JsonTokenType.Null:
                return true;
            default:
                return error.Set(name, "not true, false or null");
        }
    }

    private static bool TryEventId(ref Utf8JsonReader json, out long value, ref RecordError error)
    {
        value = 0;
        return json.TokenType == JsonTokenType.Null || (json.TokenType == JsonTokenType.Number && json.TryGetInt64(out value))
            || error.Set("event_id", "not an integer");
    }

    // 5, 5.0 and "5" are the same trip (pandas writes a nullable integer column as floats), and any other number is an id
    // by its text, as any CSV text is; the id's bytes are hashed in place unless escaped (then unescaped on the stack, or
    // in a pooled buffer when long), so a record allocates nothing.
    private static bool TryTripId(ref Utf8JsonReader json, ref SampleFlags flags, ref RecordError error)
    {
        if (json.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (json.TokenType == JsonTokenType.Number)
        {
            if (!json.TryGetInt64(out var id))
            {
                if (!json.TryGetDouble(out var real) || real != Math.Floor(real) || !(Math.Abs(real) < 9.2e18))
                {
                    flags |= TripTag.FromId(json.ValueSpan, out error.TripKey);
                    return true;
                }

                id = (long)real;
            }

            flags |= TripTag.FromId(id);
            error.TripKey = (ulong)id;
            return true;
        }

        if (json.TokenType != JsonTokenType.String)
        {
            return error.Set("trip_id", "not a number or a string");
        }

        if (!json.ValueIsEscaped)
        {
            flags |= TripTag.FromId(json.ValueSpan, out error.TripKey);
            return true;
        }

        var rented = json.ValueSpan.Length > 256 ? ArrayPool<byte>.Shared.Rent(json.ValueSpan.Length) : null;
        try
        {
            var text = rented ?? stackalloc byte[256];
            if (!TryUnescape(ref json, text, out var length))
            {
                return error.Set("trip_id", "not valid UTF-8 text");
            }

            flags |= TripTag.FromId(text[..length], out error.TripKey);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
