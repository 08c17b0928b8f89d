namespace Telematics.Scoring.Recommendations;

/// <summary>One tip for a driver: the factor it is about, the figures behind it and a plain-English sentence.</summary>
/// <param name="Feature">Feature name, for example <c>night_share</c>.</param>
/// <param name="Kind">Advice to improve, or praise.</param>
/// <param name="Contribution">The factor's contribution to the risk score, in score points (positive = riskier).</param>
/// <param name="DriverValue">The driver's value in the feature's unit; NaN when unknown.</param>
/// <param name="PopulationValue">The population's typical (median) value; NaN when unknown.</param>
/// <param name="Target">The population's "good" value; NaN when none.</param>
/// <param name="Text">The sentence shown to the driver, with units, in English.</param>
public sealed record Recommendation(
    string Feature,
    RecommendationKind Kind,
    double Contribution,
    double DriverValue,
    double PopulationValue,
    double Target,
    string Text);
