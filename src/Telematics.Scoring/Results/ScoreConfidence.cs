namespace Telematics.Scoring.Results;

/// <summary>How far a score can be trusted, from how much of the driver lies outside the model's training ranges.</summary>
public enum ScoreConfidence
{
    /// <summary>The package records no training ranges, so nothing says whether the model extrapolates.</summary>
    Unknown = 0,

    /// <summary>A quarter or more of the driver's inputs lie outside the training ranges: the model extrapolates.</summary>
    Low = 1,

    /// <summary>Some inputs (under a quarter) lie outside the training ranges.</summary>
    Medium = 2,

    /// <summary>Every input with a value lies inside the training ranges.</summary>
    High = 3,
}

/// <summary>Grades a score's confidence from its out-of-range share.</summary>
public static class ScoreConfidenceGrade
{
    /// <summary>The share of inputs outside the training ranges from which confidence is low: a quarter.</summary>
    public const double LowFrom = 0.25;

    /// <summary>The grade of a score whose inputs are <paramref name="outOfRangeShare"/> outside the training ranges (null: unknown).</summary>
    public static ScoreConfidence From(double? outOfRangeShare) => outOfRangeShare switch
    {
        null => ScoreConfidence.Unknown,
        >= LowFrom => ScoreConfidence.Low,
        > 0 => ScoreConfidence.Medium,
        _ => ScoreConfidence.High,
    };
}
