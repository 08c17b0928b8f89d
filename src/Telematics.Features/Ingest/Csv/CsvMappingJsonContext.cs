using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>Source-generated JSON metadata for mapping files (no reflection, so the package stays trimmable and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CsvColumnMapping))]
internal sealed partial class CsvMappingJsonContext : JsonSerializerContext
{
}
