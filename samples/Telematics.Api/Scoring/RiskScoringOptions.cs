namespace Telematics.Api.Scoring;

/// <summary>Configuration of stored-driver scoring in the host (sections <c>Pricing</c> and <c>Scoring</c>).</summary>
internal sealed class RiskScoringOptions
{
    /// <summary>The pricing plan file; a relative path is resolved against the host's base directory.</summary>
    /// <value>
    /// Default null: a demo plan of <c>docs/pricing/</c>, copied beside the host at build, chosen by what the served model
    /// outputs — <see cref="DemoRelativityPlan"/> for a claim frequency, <see cref="DemoScorePlan"/> otherwise — since a
    /// score plan would discard a frequency model's relativities.
    /// </value>
    public string? PlanPath { get; set; }

    /// <summary>The demo plan for score and probability models.</summary>
    public const string DemoScorePlan = "pricing/ubi-standard-2027.json";

    /// <summary>The demo plan for claim-frequency models (the shipped model): relativities with credibility.</summary>
    public const string DemoRelativityPlan = "pricing/ubi-relativity-2027.json";

    /// <summary>The A/B experiment drivers are scored in, registered through <c>AddTelematicsScoring</c>.</summary>
    /// <value>Default null: the default model's champion.</value>
    public string? Experiment { get; set; }
}
