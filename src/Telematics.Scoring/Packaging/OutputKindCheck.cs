using System.Globalization;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// Refuses a raw output its declared kind cannot take — a logit read as a probability, a log-rate read as a frequency — which
/// would pass every other check and then clamp or collapse every driver's score. The reference row is checked for both kinds;
/// a probability also over rows across the training ranges, since a logit that happens to lie in [0, 1] at the reference
/// (0.4, say) leaves it a few steps away.
/// </summary>
internal static class OutputKindCheck
{
    /// <summary>How far outside [0, 1] a probability may stray (float rounding of a LOGISTIC or a normalisation).</summary>
    public const double ProbabilityTolerance = 1e-6;

    /// <summary>Whether <paramref name="raw"/> lies in [0, 1] up to <see cref="ProbabilityTolerance"/>.</summary>
    public static bool IsProbability(double raw) => raw >= -ProbabilityTolerance && raw <= 1 + ProbabilityTolerance;

    /// <exception cref="ModelPackageException">The raw output leaves what <paramref name="kind"/> can take.</exception>
    public static void Verify(IRiskModel model, ModelOutputKind kind, ReadOnlySpan<float> reference, double referenceRaw, TrainingRanges? ranges, string? output, string file, string id)
    {
        var what = output is null ? $"the raw output of '{file}'" : $"'{file}' output '{output}'";
        if (kind == ModelOutputKind.Probability)
        {
            if (!IsProbability(referenceRaw))
            {
                throw NotAProbability(what, referenceRaw, "for the reference row", id);
            }

            if (ranges is not null)
            {
                SweepProbability(model, reference, ranges, what, id);
            }
        }

        if (kind == ModelOutputKind.Frequency && referenceRaw < 0)
        {
            throw new ModelPackageException($"Package {id}: {what} is {Format(referenceRaw)} for the reference row, below 0, so it is not the frequency that output.kind 'frequency' says it is; it looks like a log-rate (ln λ). Declare \"kind\": \"score\" with a calibration on that scale (for example logistic), or end the graph with an Exp so that it returns λ.");
        }
    }

    /// <summary>
    /// Scores, for each ranged feature, <see cref="MonotoneCheck.Steps"/> + 1 points across its training range with the other
    /// inputs at the reference, plus every ranged feature at its minimum and at its maximum together.
    /// </summary>
    private static void SweepProbability(IRiskModel model, ReadOnlySpan<float> reference, TrainingRanges ranges, string what, string id)
    {
        var binding = model.Binding;
        var width = binding.Count;
        var perFeature = MonotoneCheck.Steps + 1;
        var count = (width * perFeature) + 2;
        var rows = new float[count * width];
        for (var r = 0; r < count; r++)
        {
            reference.CopyTo(rows.AsSpan(r * width, width));
        }

        for (var f = 0; f < width; f++)
        {
            var (min, max) = ranges[f];
            if (!double.IsFinite(min) || !double.IsFinite(max))
            {
                continue;
            }

            for (var s = 0; s < perFeature; s++)
            {
                rows[(((f * perFeature) + s) * width) + f] = (float)(min + ((max - min) * s / MonotoneCheck.Steps));
            }

            rows[((count - 2) * width) + f] = (float)min;
            rows[((count - 1) * width) + f] = (float)max;
        }

        var outputs = new float[count];
        model.Score(rows, outputs);
        for (var r = 0; r < count; r++)
        {
            // NaN is left to the smoke score and to each driver's own check; only a finite value outside [0, 1] is a wrong kind.
            if (double.IsFinite(outputs[r]) && !IsProbability(outputs[r]))
            {
                var where = r >= width * perFeature
                    ? $"with every ranged input at its training {(r == count - 2 ? "minimum" : "maximum")}"
                    : string.Create(CultureInfo.InvariantCulture, $"at {binding.FeatureNames[r / perFeature]} = {rows[(r * width) + (r / perFeature)]:G6} (inside its training range), other inputs at the reference");
                throw NotAProbability(what, outputs[r], where, id);
            }
        }
    }

    private static ModelPackageException NotAProbability(string what, double value, string where, string id) =>
        new($"Package {id}: {what} is {Format(value)} {where}, outside [0, 1], so it is not the probability that output.kind 'probability' (the default when output.kind is left out) says it is; it looks like a logit or margin. Set output.kind: declare \"kind\": \"score\" with a logistic calibration ({{\"kind\": \"logistic\", \"slope\": 1, \"intercept\": 0}} maps log-odds to 100·p), or name the model's probability output.");

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
