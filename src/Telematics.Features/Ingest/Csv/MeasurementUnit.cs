using System.Text.Json.Serialization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>The unit a CSV column is recorded in; readers convert to the SI unit of the sample field.</summary>
public enum MeasurementUnit
{
    /// <summary>Already in the field's own unit (m/s, m/s², degrees, metres): no conversion.</summary>
    [JsonStringEnumMemberName("si")]
    Si = 0,

    /// <summary>Kilometres per hour (speed, speed limit): divided by 3.6.</summary>
    [JsonStringEnumMemberName("kmh")]
    KilometresPerHour,

    /// <summary>Statute miles per hour (speed, speed limit): times 0.44704 (exact by definition).</summary>
    [JsonStringEnumMemberName("mph")]
    MilesPerHour,

    /// <summary>Knots (speed): times 1852/3600.</summary>
    [JsonStringEnumMemberName("knots")]
    Knots,

    /// <summary>Standard gravity g (acceleration): times 9.80665 (exact by definition).</summary>
    [JsonStringEnumMemberName("g")]
    StandardGravity,
}
