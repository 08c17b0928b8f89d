namespace Telematics.Scoring.Contributions;

/// <summary>How much one feature moved a driver's score away from the reference score.</summary>
/// <param name="Feature">Schema feature name.</param>
/// <param name="Value">The driver's value of the feature (NaN when missing).</param>
/// <param name="Reference">The population's typical value the driver is compared with.</param>
/// <param name="Points">Score points this feature adds (negative: removes); all points of a result sum to score − reference score.</param>
public readonly record struct FactorContribution(string Feature, float Value, float Reference, double Points);
