namespace Telematics.Scoring.Recommendations;

/// <summary>Reference values of one feature over the scored population, in the feature's unit.</summary>
/// <param name="Median">The population's typical value (median, p50); NaN when unknown.</param>
/// <param name="Target">A "good" value to aim for, for example the p25 of a riskier-is-higher feature; NaN when none.</param>
public readonly record struct PopulationFigure(double Median, double Target);
