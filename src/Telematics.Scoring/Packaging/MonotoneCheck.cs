using System.Globalization;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// Checks a package's claimed directions of risk (manifest <c>monotone</c>): each named feature is swept across its
/// training range with every other input at the reference row, and the raw output must never move against the claim.
/// </summary>
/// <remarks>
/// A model that says "more harsh braking never lowers the frequency" and does lower it somewhere would price a worse
/// driver cheaper; such a package is refused at load rather than served. The sweep scores one row at a time, so models
/// with a fixed batch dimension are checked too.
/// </remarks>
internal static class MonotoneCheck
{
    /// <summary>Steps of the sweep across a training range.</summary>
    public const int Steps = 32;

    // Float outputs of equal inputs can differ in the last bits; a drop below this share of the output is noise.
    private const double RelativeTolerance = 1e-5;

    /// <exception cref="ModelPackageException">A direction is not a known word, names a feature the model does not read or has no range for, or the output moves against it or is not finite.</exception>
    public static void Verify(IRiskModel model, ReadOnlySpan<float> reference, TrainingRanges? ranges, IReadOnlyDictionary<string, string>? monotone, string id)
    {
        if (monotone is null || monotone.Count == 0)
        {
            return;
        }

        var binding = model.Binding;
        var row = new float[binding.Count];
        var output = new float[1];
        foreach (var (feature, word) in monotone)
        {
            var direction = word switch
            {
                "increasing" => 1,
                "decreasing" => -1,
                _ => throw new ModelPackageException($"Package {id}: monotone.{feature} must be 'increasing' or 'decreasing', not '{word}'."),
            };
            var index = IndexOf(binding, feature)
                ?? throw new ModelPackageException($"Package {id}: monotone.{feature} names a feature the model does not read.");
            var range = ranges is null ? (Min: double.NaN, Max: double.NaN) : ranges[index];
            if (!double.IsFinite(range.Min) || !double.IsFinite(range.Max))
            {
                throw new ModelPackageException($"Package {id}: monotone.{feature} needs training_ranges.{feature}, the range to check it over.");
            }

            reference.CopyTo(row);
            double previous = double.NaN, previousX = double.NaN;
            for (var s = 0; s <= Steps; s++)
            {
                var x = range.Min + ((range.Max - range.Min) * s / Steps);
                row[index] = (float)x;
                model.Score(row, output);
                double value = output[0];
                // Every comparison with NaN is false: unchecked, a NaN (and the step after it) would pass as monotone.
                if (!double.IsFinite(value))
                {
                    throw new ModelPackageException(string.Create(CultureInfo.InvariantCulture,
                        $"Package {id}: {feature} is declared {word} (monotone) but the model's output is {value} at {x:G6}, other inputs at the reference."));
                }

                if (s > 0 && direction * (value - previous) < -RelativeTolerance * Math.Max(Math.Abs(previous), 1e-12))
                {
                    throw new ModelPackageException(string.Create(CultureInfo.InvariantCulture,
                        $"Package {id}: {feature} is declared {word} (monotone) but the model's output goes from {previous:G6} at {previousX:G6} to {value:G6} at {x:G6}, other inputs at the reference."));
                }

                previous = value;
                previousX = x;
            }
        }
    }

    private static int? IndexOf(ModelInputBinding binding, string feature)
    {
        for (var i = 0; i < binding.Count; i++)
        {
            if (binding.FeatureNames[i] == feature)
            {
                return i;
            }
        }

        return null;
    }
}
