using System.Globalization;
using Telematics.Scoring.Calibration;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Contributions;

/// <summary>Computes factor contributions that sum to score − reference score.</summary>
internal static class ContributionCalculator
{
    /// <summary>Permutations used by <see cref="ContributionMethod.PermutationShapley"/>: 4 random ones and their reverses.</summary>
    internal const int ShapleyPermutationPairs = 4;

    // A fixed seed keeps the sampled permutations, and so the explanations, identical across calls and processes.
    private const int ShapleySeed = 20_260_101;

    /// <summary>Exact contributions of an additive model; returns the score of <paramref name="row"/>.</summary>
    public static double Additive(
        IAdditiveRiskModel model, ScoreCalibration calibration, ReadOnlySpan<float> row, ReadOnlySpan<float> referenceRow,
        double referenceRaw, double referenceScore, FactorContribution[] destination, out double raw)
    {
        var width = row.Length;
        Span<double> terms = width <= 128 ? stackalloc double[width] : new double[width];
        raw = model.ComputeTerms(row, terms);
        var score = calibration.ToScore(raw);
        var delta = raw - referenceRaw;
        double ratio;
        if (Math.Abs(delta) > 1e-9)
        {
            ratio = (score - referenceScore) / delta;
        }
        else
        {
            // At the reference the ratio tends to the calibration's slope there.
            const double h = 1e-6;
            ratio = (calibration.ToScore(referenceRaw + h) - calibration.ToScore(referenceRaw - h)) / (2 * h);
        }

        // Each term is measured from the model's own reference (a rule's "reference"); a package may name another reference
        // row (manifest "reference"). The terms' differences sum to raw − referenceRaw whichever it is.
        Span<double> referenceTerms = width <= 128 ? stackalloc double[width] : new double[width];
        model.ComputeTerms(referenceRow, referenceTerms);
        var names = model.Binding.FeatureNames;
        for (var i = 0; i < width; i++)
        {
            destination[i] = new FactorContribution(names[i], row[i], referenceRow[i], (terms[i] - referenceTerms[i]) * ratio);
        }

        return score;
    }

    /// <summary>
    /// Exact tree contributions (<see cref="ContributionMethod.TreeShapBaseline"/>); returns the score of <paramref name="row"/>
    /// from the model's own output, so that it equals the score computed without contributions.
    /// </summary>
    public static double TreeShap(
        IRiskModel model, TreeEnsemble trees, ScoreCalibration calibration, ReadOnlySpan<float> row, ReadOnlySpan<float> referenceRow,
        double referenceScore, FactorContribution[] destination, out double raw)
    {
        Span<float> output = stackalloc float[1];
        model.Score(row, output);
        raw = output[0];
        var score = calibration.ToScore(raw);
        var width = row.Length;
        Span<double> phi = width <= 128 ? stackalloc double[width] : new double[width];
        trees.Shapley(row, referenceRow, phi);
        var referenceMargin = trees.Margin(referenceRow);
        var delta = trees.Margin(row) - referenceMargin;
        double ratio;
        if (Math.Abs(delta) > 1e-9)
        {
            ratio = (score - referenceScore) / delta;
        }
        else
        {
            // As for additive models: at the reference the ratio tends to the slope of score over margin there.
            const double h = 1e-6;
            ratio = (calibration.ToScore(trees.Output(referenceMargin + h)) - calibration.ToScore(trees.Output(referenceMargin - h))) / (2 * h);
        }

        var names = model.Binding.FeatureNames;
        for (var i = 0; i < width; i++)
        {
            destination[i] = new FactorContribution(names[i], row[i], referenceRow[i], phi[i] * ratio);
        }

        return score;
    }

    /// <summary>
    /// Shapley sampling by baseline replacement; returns the score of <paramref name="row"/> and sets
    /// <paramref name="referenceScore"/> and <paramref name="raw"/> from the same model call.
    /// </summary>
    /// <remarks>
    /// A <paramref name="raw"/> that is not finite is returned as it is, with a NaN score and no contributions, for the
    /// caller to refuse naming the driver and model, as it does without contributions.
    /// </remarks>
    /// <exception cref="ModelScoringException">The model returned a non-finite output for a row between the reference and the driver's.</exception>
    public static double PermutationShapley(
        IRiskModel model, ScoreCalibration calibration, ReadOnlySpan<float> row, ReadOnlySpan<float> referenceRow,
        FactorContribution[] destination, out double referenceScore, out double raw)
    {
        var width = row.Length;
        var differing = new List<int>(width);
        for (var i = 0; i < width; i++)
        {
            if (!SameValue(row[i], referenceRow[i]))
            {
                differing.Add(i);
            }
        }

        var steps = differing.Count;
        var permutations = steps <= 1 ? 1 : 2 * ShapleyPermutationPairs;
        var intermediates = Math.Max(0, steps - 1);

        // Rows: reference, driver, then the intermediate rows of each permutation's chain.
        var rowCount = 2 + permutations * intermediates;
        var inputs = new float[rowCount * width];
        var outputs = new float[rowCount];
        referenceRow.CopyTo(inputs.AsSpan(0, width));
        row.CopyTo(inputs.AsSpan(width, width));

        var orders = new int[permutations][];
        var random = new Random(ShapleySeed);
        for (var p = 0; p < permutations; p += 2)
        {
            var order = differing.ToArray();
            random.Shuffle(order);
            orders[p] = order;
            if (p + 1 < permutations)
            {
                var reversed = (int[])order.Clone();
                Array.Reverse(reversed);
                orders[p + 1] = reversed;
            }
        }

        var next = 2;
        for (var p = 0; p < permutations; p++)
        {
            var current = inputs.AsSpan(0, width).ToArray();
            for (var s = 0; s < intermediates; s++)
            {
                var feature = orders[p][s];
                current[feature] = row[feature];
                current.CopyTo(inputs.AsSpan(next * width, width));
                next++;
            }
        }

        model.Score(inputs, outputs);
        raw = outputs[1];
        referenceScore = calibration.ToScore(outputs[0]);
        if (!float.IsFinite(outputs[1]))
        {
            return double.NaN;
        }

        for (var r = 0; r < rowCount; r++)
        {
            if (!float.IsFinite(outputs[r]))
            {
                throw new ModelScoringException(string.Create(CultureInfo.InvariantCulture, $"The model returned {outputs[r]} for a row of the contribution chain (the driver's features replacing the reference's one by one)."));
            }
        }

        var score = calibration.ToScore(outputs[1]);
        var points = new double[width];
        var chainStart = 2;
        for (var p = 0; p < permutations; p++)
        {
            var previous = referenceScore;
            for (var s = 0; s < steps; s++)
            {
                var currentScore = s == steps - 1 ? score : calibration.ToScore(outputs[chainStart + s]);
                points[orders[p][s]] += currentScore - previous;
                previous = currentScore;
            }

            chainStart += intermediates;
        }

        var names = model.Binding.FeatureNames;
        for (var i = 0; i < width; i++)
        {
            destination[i] = new FactorContribution(names[i], row[i], referenceRow[i], points[i] / permutations);
        }

        return score;
    }

    private static bool SameValue(float a, float b) => a == b || (float.IsNaN(a) && float.IsNaN(b));
}
