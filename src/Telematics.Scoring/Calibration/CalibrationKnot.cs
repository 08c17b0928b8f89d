namespace Telematics.Scoring.Calibration;

/// <summary>One point of a piecewise-linear calibration.</summary>
/// <param name="Raw">The model's raw output at this knot.</param>
/// <param name="Score">The risk score, 0–100, at this knot.</param>
public readonly record struct CalibrationKnot(double Raw, double Score);
