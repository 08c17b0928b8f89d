using Telematics.Scoring.Pricing;

namespace Telematics.Service.Scoring;

/// <summary>How <see cref="StoredDriverScorer"/> scores and prices.</summary>
public sealed class StoredScoringOptions
{
    /// <summary>The pricing plan every premium is priced with (for example <c>docs/pricing/ubi-standard-2027.json</c>).</summary>
    public required PricingPlan Plan { get; init; }

    /// <summary>The A/B experiment drivers are scored in (a name registered with the <c>ExperimentScorer</c>).</summary>
    /// <value>Default <see langword="null"/>: the registry's default model at its default alias (the champion).</value>
    public string? Experiment { get; init; }

    /// <summary>Drivers scored per model chunk and in parallel within one batch call.</summary>
    /// <value>Default 512, the scoring library's own default chunk size.</value>
    public int ScoringChunkSize { get; init; } = 512;
}
