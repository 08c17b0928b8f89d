namespace Telematics.Scoring.Calibration;

/// <summary>
/// Maps a model's raw output to a 0–100 risk score (higher = riskier). Every kind is non-decreasing in the raw
/// output, so a factor that raises the raw output never lowers the score.
/// </summary>
/// <remarks>Immutable and safe to share between threads. Results are clamped to [0, 100].</remarks>
public sealed class ScoreCalibration
{
    private readonly CalibrationKnot[] _knots;

    private ScoreCalibration(CalibrationKind kind, double a, double b, CalibrationKnot[] knots)
    {
        Kind = kind;
        A = a;
        B = b;
        _knots = knots;
    }

    /// <summary>The calibration for a probability in [0, 1]: <c>score = 100 · p</c>.</summary>
    public static ScoreCalibration Probability { get; } = new(CalibrationKind.Linear, 100, 0, []);

    /// <summary>The kind of mapping.</summary>
    public CalibrationKind Kind { get; }

    /// <summary>Linear: scale; logistic: slope; unused for piecewise-linear.</summary>
    public double A { get; }

    /// <summary>Linear: offset; logistic: intercept; unused for piecewise-linear.</summary>
    public double B { get; }

    /// <summary>The knots of a piecewise-linear calibration (empty for the other kinds), raw ascending.</summary>
    public IReadOnlyList<CalibrationKnot> Knots => _knots;

    /// <summary>Creates <c>score = clamp(scale · raw + offset, 0, 100)</c>.</summary>
    /// <param name="scale">Score points per unit of raw output; positive and finite.</param>
    /// <param name="offset">Score at raw 0; finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or the scale is not positive.</exception>
    public static ScoreCalibration Linear(double scale, double offset)
    {
        RequireFinite(scale, nameof(scale));
        RequireFinite(offset, nameof(offset));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return new ScoreCalibration(CalibrationKind.Linear, scale, offset, []);
    }

    /// <summary>Creates <c>score = 100 / (1 + e^−(slope · raw + intercept))</c>.</summary>
    /// <param name="slope">Positive and finite.</param>
    /// <param name="intercept">Finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not finite or the slope is not positive.</exception>
    public static ScoreCalibration Logistic(double slope, double intercept)
    {
        RequireFinite(slope, nameof(slope));
        RequireFinite(intercept, nameof(intercept));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slope);
        return new ScoreCalibration(CalibrationKind.Logistic, slope, intercept, []);
    }

    /// <summary>Creates a piecewise-linear calibration through <paramref name="knots"/>.</summary>
    /// <param name="knots">At least two knots with finite values, raw strictly ascending, scores in [0, 100] and non-decreasing.</param>
    /// <exception cref="ArgumentException">The knots break a rule above; the message names the knot.</exception>
    public static ScoreCalibration PiecewiseLinear(IReadOnlyList<CalibrationKnot> knots)
    {
        ArgumentNullException.ThrowIfNull(knots);
        if (knots.Count < 2)
        {
            throw new ArgumentException("A piecewise-linear calibration needs at least two knots.", nameof(knots));
        }

        var copy = new CalibrationKnot[knots.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var knot = knots[i];
            if (!double.IsFinite(knot.Raw) || !double.IsFinite(knot.Score) || knot.Score < 0 || knot.Score > 100)
            {
                throw new ArgumentException($"Calibration knot {i} ({knot.Raw}, {knot.Score}) must be finite with a score in [0, 100].", nameof(knots));
            }

            if (i > 0 && (knot.Raw <= copy[i - 1].Raw || knot.Score < copy[i - 1].Score))
            {
                throw new ArgumentException($"Calibration knot {i} ({knot.Raw}, {knot.Score}) must have a larger raw value and no smaller score than knot {i - 1}.", nameof(knots));
            }

            copy[i] = knot;
        }

        return new ScoreCalibration(CalibrationKind.PiecewiseLinear, 0, 0, copy);
    }

    /// <summary>Maps a raw output to a score in [0, 100].</summary>
    /// <param name="raw">The model's raw output.</param>
    /// <returns>The score, or NaN when <paramref name="raw"/> is NaN.</returns>
    public double ToScore(double raw)
    {
        if (double.IsNaN(raw))
        {
            return double.NaN;
        }

        var score = Kind switch
        {
            CalibrationKind.Linear => A * raw + B,
            CalibrationKind.Logistic => 100.0 / (1.0 + Math.Exp(-(A * raw + B))),
            _ => Interpolate(raw),
        };
        return Math.Clamp(score, 0, 100);
    }

    private double Interpolate(double raw)
    {
        var knots = _knots;
        if (raw <= knots[0].Raw)
        {
            return knots[0].Score;
        }

        var last = knots.Length - 1;
        if (raw >= knots[last].Raw)
        {
            return knots[last].Score;
        }

        var hi = 1;
        while (knots[hi].Raw < raw)
        {
            hi++;
        }

        var lo = knots[hi - 1];
        var up = knots[hi];
        return lo.Score + (up.Score - lo.Score) * (raw - lo.Raw) / (up.Raw - lo.Raw);
    }

    private static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Calibration parameters must be finite.");
        }
    }
}
