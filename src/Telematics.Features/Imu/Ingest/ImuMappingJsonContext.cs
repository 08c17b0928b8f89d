using System.Text.Json;
using System.Text.Json.Serialization;

namespace Telematics.Features.Imu.Ingest;

/// <summary>Source-generated JSON metadata for phone sensor mappings (no reflection: trimmable and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImuMapping))]
internal sealed partial class ImuMappingJsonContext : JsonSerializerContext
{
}
