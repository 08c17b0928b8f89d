using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Text;

/// <summary>UTF-8 names of the road classes, as writers emit them and readers accept them (case-insensitively).</summary>
internal static class RoadClassNames
{
    public static ReadOnlySpan<byte> Utf8(RoadClass roadClass) => roadClass switch
    {
        RoadClass.Motorway => "Motorway"u8,
        RoadClass.Trunk => "Trunk"u8,
        RoadClass.Primary => "Primary"u8,
        RoadClass.Secondary => "Secondary"u8,
        RoadClass.Tertiary => "Tertiary"u8,
        RoadClass.Residential => "Residential"u8,
        RoadClass.Service => "Service"u8,
        _ => "Unknown"u8,
    };
}
