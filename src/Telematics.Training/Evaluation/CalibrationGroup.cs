namespace Telematics.Training.Evaluation;

/// <summary>One group of a calibration-by-decile table.</summary>
/// <param name="Decile">1 (lowest predicted) to 10 (highest).</param>
/// <param name="Drivers">Drivers in the group.</param>
/// <param name="ExposureYears">Exposure of the group, years.</param>
/// <param name="PredictedClaims">Sum of the predicted expected claims.</param>
/// <param name="ObservedClaims">Sum of the observed claims.</param>
public sealed record CalibrationGroup(int Decile, int Drivers, double ExposureYears, double PredictedClaims, double ObservedClaims);
