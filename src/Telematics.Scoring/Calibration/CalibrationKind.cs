namespace Telematics.Scoring.Calibration;

/// <summary>How a model's raw output is mapped to a 0–100 risk score.</summary>
public enum CalibrationKind
{
    /// <summary><c>score = clamp(scale · raw + offset, 0, 100)</c>; for a probability, scale 100 and offset 0.</summary>
    Linear = 0,

    /// <summary><c>score = 100 / (1 + e^−(slope · raw + intercept))</c>; for a linear predictor (log-odds).</summary>
    Logistic = 1,

    /// <summary>Linear interpolation through (raw, score) knots, for example quantiles of the training population; flat beyond the end knots.</summary>
    PiecewiseLinear = 2,
}
