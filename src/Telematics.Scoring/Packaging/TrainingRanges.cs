using Telematics.Scoring.Models;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// The range each model input took in the training population (manifest <c>training_ranges</c>: for each feature its
/// <c>min</c> and <c>max</c>), and how much of a driver lies outside it: a model extrapolates there, so the score is
/// less certain however confident it looks.
/// </summary>
/// <remarks>Immutable; inputs the manifest gives no range for are not counted.</remarks>
public sealed class TrainingRanges
{
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly int _ranged;

    private TrainingRanges(double[] min, double[] max, int ranged)
    {
        _min = min;
        _max = max;
        _ranged = ranged;
    }

    /// <summary>How many inputs have a range.</summary>
    public int Count => _ranged;

    /// <summary>The training range of input <paramref name="index"/> (model input order); NaN bounds when it has none.</summary>
    public (double Min, double Max) this[int index] => (_min[index], _max[index]);

    /// <summary>
    /// The share of ranged inputs of <paramref name="row"/> (model input order) outside their training range; a missing
    /// (NaN) value is neither in nor out and is left out of the share. 0 when no ranged input has a value: use
    /// <see cref="OutOfRangeShareIfKnown"/>, which tells that case apart.
    /// </summary>
    public double OutOfRangeShare(ReadOnlySpan<float> row) => OutOfRangeShareIfKnown(row) ?? 0;

    /// <summary>
    /// The share of ranged inputs of <paramref name="row"/> (model input order) outside their training range, as
    /// <see cref="OutOfRangeShare"/>, but null when no ranged input has a value: a driver of whom nothing is known is not
    /// known to lie inside the ranges, and must not be graded a confident score.
    /// </summary>
    /// <param name="row">The model inputs, in model input order.</param>
    /// <returns>The share, 0–1, or null when no ranged input has a value.</returns>
    /// <exception cref="ArgumentException"><paramref name="row"/> is not as long as the model's inputs.</exception>
    public double? OutOfRangeShareIfKnown(ReadOnlySpan<float> row)
    {
        if (row.Length != _min.Length)
        {
            throw new ArgumentException($"Expected a row of {_min.Length} model inputs, got {row.Length}.", nameof(row));
        }

        int known = 0, outside = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (double.IsNaN(_min[i]) || float.IsNaN(row[i]))
            {
                continue;
            }

            // Inputs reach the model as float32: a bound written as a float's shortest decimal (0.3 for 0.3f, which is
            // 0.30000001…) must hold that float, so bounds compare at float precision.
            known++;
            if (row[i] < (float)_min[i] || row[i] > (float)_max[i])
            {
                outside++;
            }
        }

        return known == 0 ? null : (double)outside / known;
    }

    /// <summary>Reads the manifest's ranges against the model's inputs; null when the manifest has none.</summary>
    /// <exception cref="ModelPackageException">A range names a feature the model does not read, or has a missing, non-finite or inverted bound.</exception>
    internal static TrainingRanges? Read(ModelInputBinding binding, IReadOnlyDictionary<string, ModelManifest.RangeSpec>? ranges, string id)
    {
        if (ranges is null)
        {
            return null;
        }

        var min = new double[binding.Count];
        var max = new double[binding.Count];
        Array.Fill(min, double.NaN);
        Array.Fill(max, double.NaN);
        foreach (var (feature, range) in ranges)
        {
            var index = IndexOf(binding, feature)
                ?? throw new ModelPackageException($"Package {id}: training_ranges.{feature} names a feature the model does not read.");
            if (range.Min is not { } low || range.Max is not { } high || !double.IsFinite(low) || !double.IsFinite(high) || low > high)
            {
                throw new ModelPackageException($"Package {id}: training_ranges.{feature} needs finite 'min' and 'max' with min ≤ max.");
            }

            (min[index], max[index]) = (low, high);
        }

        return new TrainingRanges(min, max, ranges.Count);
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
