using Telematics.Scoring.Calibration;
using Telematics.Scoring.Rules;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// Reads a manifest's <c>calibration</c> block into the <see cref="ScoreCalibration"/> that turns the model's raw output
/// into a 0–100 score: the kind is required and takes only its own fields; without a block, the kind of model and output
/// decide (rules and probabilities have a natural one, a frequency or score has none).
/// </summary>
internal static class ManifestCalibration
{
    public static ScoreCalibration Read(ModelManifest.CalibrationSpec? spec, ModelKind kind, ModelOutputKind outputKind, string id)
    {
        if (spec is null)
        {
            return kind == ModelKind.Rules ? RuleBasedModel.Calibration
                : outputKind == ModelOutputKind.Probability ? ScoreCalibration.Probability
                : throw new ModelPackageException($"Package {id}: a model whose output is a {outputKind.ToString().ToLowerInvariant()} needs a 'calibration' to 0–100.");
        }

        if (spec.Kind is not { } calibrationKind)
        {
            throw new ModelPackageException($"Package {id}: calibration.kind is required: linear (scale, offset), logistic (slope, intercept) or piecewise_linear (knots).");
        }

        // A field of another kind is a manifest written for a different calibration than the one named: refused rather
        // than ignored, since the scores would silently follow the kind and not the figures the author wrote.
        var foreign = calibrationKind switch
        {
            CalibrationKind.Linear => Present(("slope", spec.Slope), ("intercept", spec.Intercept), ("knots", spec.Knots)),
            CalibrationKind.Logistic => Present(("scale", spec.Scale), ("offset", spec.Offset), ("knots", spec.Knots)),
            _ => Present(("scale", spec.Scale), ("offset", spec.Offset), ("slope", spec.Slope), ("intercept", spec.Intercept)),
        };
        if (foreign is not null)
        {
            throw new ModelPackageException($"Package {id}: calibration.{foreign} does not belong to a {ManifestName(calibrationKind)} calibration.");
        }

        try
        {
            return calibrationKind switch
            {
                CalibrationKind.Linear => ScoreCalibration.Linear(spec.Scale ?? 100, spec.Offset ?? 0),
                CalibrationKind.Logistic => ScoreCalibration.Logistic(spec.Slope ?? 1, spec.Intercept ?? 0),
                _ => ScoreCalibration.PiecewiseLinear(ReadKnots(spec.Knots, id)),
            };
        }
        catch (ArgumentException e)
        {
            throw new ModelPackageException($"Package {id}: calibration: {e.Message}", e);
        }
    }

    private static string? Present(params (string Name, object? Value)[] fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                return name;
            }
        }

        return null;
    }

    private static string ManifestName(CalibrationKind kind) => kind switch
    {
        CalibrationKind.Linear => "linear",
        CalibrationKind.Logistic => "logistic",
        _ => "piecewise_linear",
    };

    private static CalibrationKnot[] ReadKnots(List<double[]>? knots, string id)
    {
        if (knots is null)
        {
            throw new ModelPackageException($"Package {id}: a piecewise_linear calibration needs 'knots' as [raw, score] pairs.");
        }

        var result = new CalibrationKnot[knots.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (knots[i] is not { Length: 2 } pair)
            {
                throw new ModelPackageException($"Package {id}: calibration knot {i} must be a [raw, score] pair.");
            }

            result[i] = new CalibrationKnot(pair[0], pair[1]);
        }

        return result;
    }
}
