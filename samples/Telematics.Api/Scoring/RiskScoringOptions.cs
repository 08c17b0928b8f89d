namespace Telematics.Api.Scoring;

/// <summary>Configuration of stored-driver scoring in the host (sections <c>Pricing</c> and <c>Scoring</c>).</summary>
internal sealed class RiskScoringOptions
{
    /// <summary>The pricing plan file; a relative path is resolved against the host's base directory.</summary>
    /// <value>Default <c>pricing/ubi-standard-2027.json</c>: the demo plan of <c>docs/pricing/</c>, copied beside the host at build.</value>
    public string PlanPath { get; set; } = "pricing/ubi-standard-2027.json";

    /// <summary>The A/B experiment drivers are scored in, registered through <c>AddTelematicsScoring</c>.</summary>
    /// <value>Default null: the default model's champion.</value>
    public string? Experiment { get; set; }
}
