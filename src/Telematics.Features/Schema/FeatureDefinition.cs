namespace Telematics.Features.Schema;

/// <summary>One named feature of a <see cref="FeatureSchema"/>.</summary>
/// <param name="Name">Stable identifier, lower snake case (for example <c>night_share</c>).</param>
/// <param name="Unit">Unit of the value (for example <c>km</c>, <c>per_100km</c>, <c>share</c>).</param>
/// <param name="Description">One sentence saying what the value measures.</param>
public readonly record struct FeatureDefinition(string Name, string Unit, string Description);
