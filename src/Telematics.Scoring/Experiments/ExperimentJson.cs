using System.Text;
using System.Text.Json;

using Telematics.Scoring.Json;

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
    /// <summary>Parses and validates an experiment from JSON text.</summary>
    /// <param name="json">The JSON document.</param>
    /// <exception cref="ExperimentDefinitionException">The JSON is malformed or the experiment is invalid; the message names the field.</exception>
    public static ExperimentDefinition Parse(string json) =>
        Read(JsonContractReader.Read(json, ScoringJsonContext.Contracts.ExperimentDocument, static (field, problem, cause) => cause is null ? new ExperimentDefinitionException(field, problem) : new ExperimentDefinitionException(field, problem, cause)));

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

    private static ExperimentDefinition Read(ExperimentDocument experiment)
    {
        var given = experiment.Variants ?? throw new ExperimentDefinitionException("variants", "is required.");
        var variants = new List<ExperimentVariant>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var path = $"variants[{i}]";
            variants.Add(ReadVariant(given[i] ?? throw new ExperimentDefinitionException(path, "must be a JSON object; found null."), path));
        }

        // Name and salt are checked by the definition, which names them.
        return new ExperimentDefinition(experiment.Name!, experiment.Salt!, variants);
    }

    private static ExperimentVariant ReadVariant(VariantDocument variant, string path)
    {
        if (string.IsNullOrEmpty(variant.Name))
        {
            throw new ExperimentDefinitionException($"{path}.name", "is required.");
        }

        if (!ModelReference.TryParse(variant.Model, out var reference, out var error))
        {
            throw new ExperimentDefinitionException($"{path}.model", variant.Model is null ? "is required: a model alias or 'name@version'." : error);
        }

        if (variant.Shadow == true)
        {
            if (variant.WeightBp is not null and not 0)
            {
                throw new ExperimentDefinitionException($"{path}.weight_bp", "must be absent or 0 for a shadow variant (shadow variants are never served).");
            }

            if (variant.Buckets is not null)
            {
                throw new ExperimentDefinitionException($"{path}.buckets", "must be absent for a shadow variant (shadow variants own no buckets).");
            }

            return ExperimentVariant.Shadow(variant.Name, reference);
        }

        if (variant.WeightBp is not { } weight)
        {
            throw new ExperimentDefinitionException($"{path}.weight_bp", "is required for a served variant (basis points, 0–10000).");
        }

        return new ExperimentVariant(variant.Name, reference, weight, ReadBuckets(variant.Buckets, $"{path}.buckets"));
    }

    private static List<BucketRange>? ReadBuckets(List<int[]?>? pairs, string field)
    {
        if (pairs is null)
        {
            return null;
        }

        var ranges = new List<BucketRange>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            if (pairs[i] is not { Length: 2 } pair)
            {
                throw new ExperimentDefinitionException($"{field}[{i}]", "must be a [start, end] pair.");
            }

            ranges.Add(new BucketRange(pair[0], pair[1]));
        }

        return ranges;
    }
}
