using System.Text;
using System.Text.Json;

namespace Telematics.Scoring.Experiments;

/// <summary>Reads and writes experiment definitions as JSON (format documented in <c>docs/experiments/README.md</c>).</summary>
/// <remarks>
/// <code>
/// { "name": "risk-2026q4", "salt": "q4-7f3a",
///   "variants": [
///     { "name": "control",   "model": "champion",       "weight_bp": 9000 },
///     { "name": "gbm",       "model": "risk-gbm@3.0.0", "weight_bp": 1000 },
///     { "name": "nn_shadow", "model": "risk-nn@0.4.0",  "shadow": true } ] }
/// </code>
/// A served variant may list <c>"buckets": [[start, end], …]</c> (half-open ranges; all served variants or
/// none). Unknown properties are refused so that a typo cannot silently change an experiment. All members
/// are thread-safe.
/// </remarks>
public static class ExperimentJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses and validates an experiment from JSON text.</summary>
    /// <param name="json">The JSON document.</param>
    /// <exception cref="ExperimentDefinitionException">The JSON is malformed or the experiment is invalid; the message names the field.</exception>
    public static ExperimentDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ExperimentDefinitionException("$", $"is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    /// <summary>Reads, parses and validates an experiment file.</summary>
    /// <param name="path">Path of a UTF-8 JSON file.</param>
    /// <exception cref="ExperimentDefinitionException">The JSON is malformed or the experiment is invalid; the message names the file and field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ExperimentDefinition Load(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        try
        {
            return Parse(text);
        }
        catch (ExperimentDefinitionException e)
        {
            throw new ExperimentDefinitionException(e.Field, $"{e.Problem} (file '{path}')", e);
        }
    }

    /// <summary>Writes an experiment as indented JSON, with explicit bucket ranges for every served variant.</summary>
    /// <param name="experiment">The experiment to write.</param>
    /// <returns>JSON text that <see cref="Parse"/> reads back to the same assignment of every driver.</returns>
    public static string Write(ExperimentDefinition experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", experiment.Name);
            writer.WriteString("salt", experiment.Salt);
            writer.WriteStartArray("variants");
            foreach (var variant in experiment.Variants)
            {
                writer.WriteStartObject();
                writer.WriteString("name", variant.Name);
                writer.WriteString("model", variant.Model.ToString());
                if (variant.IsShadow)
                {
                    writer.WriteBoolean("shadow", true);
                }
                else
                {
                    writer.WriteNumber("weight_bp", variant.WeightBasisPoints);
                    writer.WriteStartArray("buckets");
                    foreach (var range in experiment.BucketsOf(variant.Name))
                    {
                        writer.WriteStartArray();
                        writer.WriteNumberValue(range.Start);
                        writer.WriteNumberValue(range.End);
                        writer.WriteEndArray();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static ExperimentDefinition Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ExperimentDefinitionException("$", "must be a JSON object.");
        }

        string? name = null;
        string? salt = null;
        List<ExperimentVariant>? variants = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = ReadString(property.Value, "name");
                    break;
                case "salt":
                    salt = ReadString(property.Value, "salt");
                    break;
                case "variants":
                    variants = ReadVariants(property.Value);
                    break;
                default:
                    throw new ExperimentDefinitionException(property.Name, "is not a known property (expected name, salt, variants).");
            }
        }

        if (variants is null)
        {
            throw new ExperimentDefinitionException("variants", "is required.");
        }

        return new ExperimentDefinition(name!, salt!, variants);
    }

    private static List<ExperimentVariant> ReadVariants(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ExperimentDefinitionException("variants", "must be an array.");
        }

        var variants = new List<ExperimentVariant>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            variants.Add(ReadVariant(element, $"variants[{index}]"));
            index++;
        }

        return variants;
    }

    private static ExperimentVariant ReadVariant(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ExperimentDefinitionException(path, "must be a JSON object.");
        }

        string? name = null;
        string? model = null;
        int? weight = null;
        var shadow = false;
        List<BucketRange>? buckets = null;
        foreach (var property in element.EnumerateObject())
        {
            var field = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "name":
                    name = ReadString(property.Value, field);
                    break;
                case "model":
                    model = ReadString(property.Value, field);
                    break;
                case "weight_bp":
                    weight = ReadInt(property.Value, field);
                    break;
                case "shadow":
                    shadow = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new ExperimentDefinitionException(field, "must be true or false."),
                    };
                    break;
                case "buckets":
                    buckets = ReadBuckets(property.Value, field);
                    break;
                default:
                    throw new ExperimentDefinitionException(field, "is not a known property (expected name, model, weight_bp, shadow, buckets).");
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            throw new ExperimentDefinitionException($"{path}.name", "is required.");
        }

        if (!ModelReference.TryParse(model, out var reference, out var error))
        {
            throw new ExperimentDefinitionException($"{path}.model", model is null ? "is required: a model alias or 'name@version'." : error);
        }

        if (shadow)
        {
            if (weight is not null and not 0)
            {
                throw new ExperimentDefinitionException($"{path}.weight_bp", "must be absent or 0 for a shadow variant (shadow variants are never served).");
            }

            if (buckets is not null)
            {
                throw new ExperimentDefinitionException($"{path}.buckets", "must be absent for a shadow variant (shadow variants own no buckets).");
            }

            return ExperimentVariant.Shadow(name, reference);
        }

        if (weight is null)
        {
            throw new ExperimentDefinitionException($"{path}.weight_bp", "is required for a served variant (basis points, 0–10000).");
        }

        return new ExperimentVariant(name, reference, weight.Value, buckets);
    }

    private static List<BucketRange> ReadBuckets(JsonElement array, string field)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ExperimentDefinitionException(field, "must be an array of [start, end] pairs.");
        }

        var ranges = new List<BucketRange>();
        var index = 0;
        foreach (var pair in array.EnumerateArray())
        {
            var path = $"{field}[{index}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
            {
                throw new ExperimentDefinitionException(path, "must be a [start, end] pair.");
            }

            ranges.Add(new BucketRange(ReadInt(pair[0], path), ReadInt(pair[1], path)));
            index++;
        }

        return ranges;
    }

    private static string ReadString(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new ExperimentDefinitionException(field, $"must be a string; found {value.ValueKind}.");

    private static int ReadInt(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new ExperimentDefinitionException(field, $"must be a whole number; found {value.GetRawText()}.");
}
