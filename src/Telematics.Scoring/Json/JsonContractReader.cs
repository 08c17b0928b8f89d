using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Telematics.Scoring.Json;

/// <summary>
/// Reads a JSON document into its source-generated contract (<see cref="ScoringJsonContext"/>) and turns every way it can
/// fail into a field and a problem in our own words: not JSON at all, a property the contract does not know, a property
/// given twice, or a value of the wrong type — each named by its JSON path (<c>discounts[0].when</c>) with what was
/// expected and what was found. The caller's own validation then names the fields the contract cannot check.
/// </summary>
internal static class JsonContractReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Deserializes <paramref name="json"/> into <typeparamref name="T"/>.</summary>
    /// <param name="json">The document.</param>
    /// <param name="contract">The contract of the root object.</param>
    /// <param name="fail">Makes the caller's exception from a field (<c>$</c> for the whole document), a problem and the cause.</param>
    /// <returns>The contract, never null.</returns>
    public static T Read<T>(string json, JsonTypeInfo<T> contract, Func<string, string, Exception?, Exception> fail)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read<T>(Encoding.UTF8.GetBytes(json), contract, fail);
    }

    /// <summary>Deserializes UTF-8 <paramref name="utf8Json"/> (with or without a byte order mark) into <typeparamref name="T"/>; see <see cref="Read{T}(string, JsonTypeInfo{T}, Func{string, string, Exception?, Exception})"/>.</summary>
    public static T Read<T>(ReadOnlyMemory<byte> utf8Json, JsonTypeInfo<T> contract, Func<string, string, Exception?, Exception> fail)
        where T : class
    {
        utf8Json = Utf8Bom.Skip(utf8Json);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8Json.Span, contract);
        }
        catch (JsonException e)
        {
            var (field, problem) = Explain(utf8Json, contract, e);
            throw fail(field, problem, e);
        }

        return value ?? throw fail("$", "must be a JSON object; found null.", null);
    }

    /// <summary>The field and problem behind a deserialization failure of <paramref name="utf8Json"/>.</summary>
    internal static (string Field, string Problem) Explain(ReadOnlyMemory<byte> utf8Json, JsonTypeInfo contract, JsonException error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException syntax)
        {
            return ("$", string.Create(CultureInfo.InvariantCulture, $"is not valid JSON (line {syntax.LineNumber + 1}): {FirstSentence(syntax.Message)}"));
        }

        using (document)
        {
            var segments = Segments(error.Path ?? "$");
            var field = Field(segments);
            var type = contract;
            var element = document.RootElement;
            for (var i = 0; i < segments.Count; i++)
            {
                var segment = segments[i];
                var parent = element;
                if (!Child(ref element, segment))
                {
                    return (field, "could not be read" + Line(error));
                }

                if (type.Kind == JsonTypeInfoKind.Object)
                {
                    if (Property(type, segment.Name) is not { } property)
                    {
                        return (field, $"is not a known property (expected {Expected(type)}){Line(error)}");
                    }

                    if (i == segments.Count - 1 && Occurrences(parent, segment.Name!) > 1)
                    {
                        return (field, "is given twice" + Line(error));
                    }

                    type = type.Options.GetTypeInfo(property.PropertyType);
                }
                else if (type.Kind is JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Enumerable && type.ElementType is { } elementType)
                {
                    if (i == segments.Count - 1 && segment.Name is { } key && Occurrences(parent, key) > 1)
                    {
                        return (field, "is given twice" + Line(error));
                    }

                    type = type.Options.GetTypeInfo(elementType);
                }
            }

            return (field, $"must be {Describe(type.Type)}; found {Found(element)}{Line(error)}");
        }
    }

    // Where in the file, and the end of the sentence.
    private static string Line(JsonException error) =>
        error.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}).") : ".";

    // "$.a.b[2]['c.d']" → a, b, [2], c.d
    private static List<PathSegment> Segments(string path)
    {
        var segments = new List<PathSegment>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not '.' and not '[')
                {
                    end++;
                }

                segments.Add(new PathSegment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segments.Add(new PathSegment(path[(i + 2)..end], null));
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(new PathSegment(null, int.Parse(path.AsSpan(i + 1, end - i - 1), CultureInfo.InvariantCulture)));
                i = Math.Min(path.Length, end + 1);
            }
            else
            {
                i++;
            }
        }

        return segments;
    }

    private static string Field(List<PathSegment> segments)
    {
        if (segments.Count == 0)
        {
            return "$";
        }

        var field = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.Index is { } index)
            {
                field.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                field.Append(field.Length == 0 ? string.Empty : ".").Append(segment.Name);
            }
        }

        return field.ToString();
    }

    private static bool Child(ref JsonElement element, PathSegment segment)
    {
        if (segment.Index is { } index)
        {
            if (element.ValueKind != JsonValueKind.Array || index >= element.GetArrayLength())
            {
                return false;
            }

            element = element[index];
            return true;
        }

        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment.Name!, out element);
    }

    private static JsonPropertyInfo? Property(JsonTypeInfo type, string? name)
    {
        foreach (var property in type.Properties)
        {
            if (property.Name == name)
            {
                return property;
            }
        }

        return null;
    }

    private static string Expected(JsonTypeInfo type)
    {
        var names = new List<string>(type.Properties.Count);
        foreach (var property in type.Properties)
        {
            names.Add(property.Name);
        }

        return string.Join(", ", names);
    }

    private static int Occurrences(JsonElement parent, string name)
    {
        var count = 0;
        if (parent.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in parent.EnumerateObject())
            {
                count += property.NameEquals(name) ? 1 : 0;
            }
        }

        return count;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return "a whole number";
        }

        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
        {
            return "a number";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type.IsEnum)
        {
            var names = new List<string>();
            foreach (var member in type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            {
                names.Add(member.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false) is [JsonStringEnumMemberNameAttribute named, ..]
                    ? named.Name
                    : JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name));
            }

            return "one of " + string.Join(", ", names);
        }

        return type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) ? "an array" : "a JSON object";
    }

    private static string Found(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Shorten(element.GetRawText()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");

    // System.Text.Json appends " Path: … | LineNumber: … | BytePositionInLine: …"; the line is given on its own.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        cut = cut < 0 ? message.IndexOf(" LineNumber:", StringComparison.Ordinal) : cut;
        return cut < 0 ? message : message[..cut];
    }

    private readonly record struct PathSegment(string? Name, int? Index);
}
