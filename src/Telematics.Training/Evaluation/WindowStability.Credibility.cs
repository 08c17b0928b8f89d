using MathNet.Numerics.Statistics;
using Telematics.Training.Datasets;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Evaluation;

// Credibility: how much of a window's predicted relativity the true one keeps, over the book and within the plan's cells.
public sealed partial record WindowStability
{
    /// <summary>Z = n / (n + K) at <paramref name="days"/>.</summary>
    public static double Credibility(double days, double k) => days / (days + k);

    /// <summary>
    /// The smallest K with n / (n + K) ≤ Z(n) at every window: max n·(1 − Z)/Z, with Z the lower of the book-wide and the
    /// within-cell credibility (the latter when measured); infinite when some Z ≤ 0.
    /// </summary>
    internal static double MinimumCredibilityDays(IReadOnlyList<WindowStabilityRow> rows)
    {
        double k = 0;
        foreach (var row in rows)
        {
            var z = double.IsNaN(row.CellCredibility) ? row.Credibility : Math.Min(row.Credibility, row.CellCredibility);
            if (!(z > 0))
            {
                return double.PositiveInfinity;
            }

            k = Math.Max(k, row.Days * (1 - z) / z);
        }

        return k;
    }

    // The cell of each driver in a plan's finest cell table: age band × vehicle class (region is priced by base rates).
    private static int[] PlanCells(TrainingDataset data)
    {
        var index = new Dictionary<(AgeBand, VehicleClass), int>();
        var cells = new int[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var c = data.Classical(i);
            var key = (c.AgeBand, c.VehicleClass);
            if (!index.TryGetValue(key, out var cell))
            {
                cell = index.Count;
                index.Add(key, cell);
            }

            cells[i] = cell;
        }

        return cells;
    }

    /// <summary>
    /// The credibility a relativity plan applies: the slope of the true relativity on the predicted one with both taken
    /// over their cell's mean (x = λ/λ̄_cell − 1, y = t/t̄_cell − 1), pooled over the cells: Σxy / Σx². Unlike the book-wide
    /// slope it credits nothing for telling cells apart, which the classical relativities already price. NaN when no
    /// prediction differs from its cell's mean.
    /// </summary>
    internal static double CellSlope(ReadOnlySpan<double> predicted, ReadOnlySpan<double> truth, ReadOnlySpan<int> cells)
    {
        var count = 0;
        foreach (var cell in cells)
        {
            count = Math.Max(count, cell + 1);
        }

        var sumPredicted = new double[count];
        var sumTruth = new double[count];
        var drivers = new int[count];
        for (var i = 0; i < cells.Length; i++)
        {
            sumPredicted[cells[i]] += predicted[i];
            sumTruth[cells[i]] += truth[i];
            drivers[cells[i]]++;
        }

        double cross = 0, square = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            var c = cells[i];
            var x = (predicted[i] * drivers[c] / sumPredicted[c]) - 1;
            var y = (truth[i] * drivers[c] / sumTruth[c]) - 1;
            cross += x * y;
            square += x * x;
        }

        return square > 0 ? cross / square : double.NaN;
    }

    // What the telematics relativity should estimate: the true λ without the classical factors the base rate prices
    // (age, region, vehicle); distance stays in, as the telematics features measure it.
    private static double[] TelematicsPartOfTrueFrequency(TrainingDataset data)
    {
        var part = new double[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            var c = data.Classical(i);
            part[i] = data.TrueAnnualFrequency[i] / Math.Exp(ClaimFrequencyModel.AgeEffect(c.AgeBand) + ClaimFrequencyModel.RegionEffect(c.Region) + ClaimFrequencyModel.VehicleEffect(c.VehicleClass));
        }

        return part;
    }

    // The slope of the relativities r = λ / λ̄ of each window: slope(λ_long on λ_n) × λ̄_n / λ̄_long.
    private static double Slope(double[] x, double[] y)
    {
        var variance = ArrayStatistics.Variance(x);
        return variance > 0 ? ArrayStatistics.Covariance(x, y) / variance * (ArrayStatistics.Mean(x) / ArrayStatistics.Mean(y)) : 0;
    }
}
