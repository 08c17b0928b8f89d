namespace Telematics.Scoring.Pricing;

/// <summary>A pay-as-you-drive band: the factor for annualised distances up to <see cref="UpToKm"/>.</summary>
/// <param name="UpToKm">Inclusive upper bound of annualised km, or <see langword="null"/> for the last, open-ended band.</param>
/// <param name="Factor">Factor applied to the premium, in (0, 100].</param>
public readonly record struct MileageBand(double? UpToKm, decimal Factor);
