using System.Text.Json;
using System.Text.Json.Serialization;

using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;

namespace Telematics.Scoring.Json;

/// <summary>
/// The source-generated contracts of the JSON files the scoring runtime reads: pricing plans, experiments, model
/// manifests and rules files. Names are snake_case; comments and trailing commas are allowed; a property the contract
/// does not know, or one given twice, is refused (<see cref="JsonContractReader"/> names it).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(PricingPlanDocument))]
[JsonSerializable(typeof(ExperimentDocument))]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(RulesFile))]
internal sealed partial class ScoringJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The contracts with enums read as their snake_case names and never as numbers (<c>"kind": "onnx"</c>), as manifests
    /// write them.
    /// </summary>
    public static ScoringJsonContext Contracts { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    });
}
