namespace Telematics.Scoring.Rules;

/// <summary>The weight of one feature in a <see cref="RuleBasedModel"/>.</summary>
/// <param name="Feature">Schema feature name.</param>
/// <param name="Weight">Log-odds per unit of the feature above its reference; negative lowers risk.</param>
/// <param name="Reference">The population's typical value; a driver at the reference gets no contribution from this feature.</param>
/// <param name="Cap">Values above the cap count as the cap, so one extreme figure cannot dominate the score.</param>
public readonly record struct RuleWeight(string Feature, double Weight, double Reference, double Cap);
