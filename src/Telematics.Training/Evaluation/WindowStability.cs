using MathNet.Numerics.Statistics;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;
using Telematics.Training.Modeling;
using Telematics.Training.Synthetic;

namespace Telematics.Training.Evaluation;

/// <summary>
/// The same drivers observed over several windows (their first n days of one longer simulation) and scored by the packaged
/// model: whether a score depends on the window, how often the category changes, and how much of an n-day relativity
/// persists over the longest window — the empirical credibility Z(n) a relativity plan's <c>credibility_days</c> stands for.
/// </summary>
/// <param name="Windows">One row per window, shortest first; the last is the reference.</param>
/// <param name="MinCredibilityDays">
/// The smallest K for which a plan's Z = n / (n + K) stays at or below the empirical credibility at every window, over
/// the whole book and within the plan's cells (<see cref="WindowStabilityRow.CellCredibility"/>), whichever is lower:
/// max over windows of n·(1 − Z)/Z. A plan's <c>credibility_days</c> at or above it credits no window more than the data supports.
/// </param>
/// <param name="Drivers">Drivers simulated.</param>
/// <param name="Seed">Seed of their population.</param>
public sealed partial record WindowStability(IReadOnlyList<WindowStabilityRow> Windows, double MinCredibilityDays, int Drivers, ulong Seed)
{
    /// <summary>
    /// How well the shortest window measures each rating factor and road-context feature: one row per feature, in schema
    /// order. Empty when not measured.
    /// </summary>
    public IReadOnlyList<FactorReliability> Factors { get; init; } = [];

    /// <summary>
    /// The model's noise per trip fitted on these drivers: the standard deviation s of ln λ over one trip, so that over n
    /// trips a prediction lies about s/√n from the driver's long-run one. A package records it as <c>sampling_noise</c>,
    /// from which each score gets its interval. Null when fewer than 100 driver-windows had trips to fit it.
    /// </summary>
    public double? SamplingNoise { get; init; }

    /// <summary>The level of the score intervals a package's <c>sampling_noise</c> gives (Telematics.Scoring's <c>SamplingNoise.Level</c>).</summary>
    public const double IntervalLevel = 0.9;

    // The standard normal quantile of (1 + IntervalLevel) / 2.
    internal const double IntervalZ = 1.6448536269514722;

    /// <summary>The windows evaluated by default, days: a week to a quarter.</summary>
    public static readonly IReadOnlyList<int> DefaultWindows = [7, 14, 30, 60, 90];

    /// <summary>Simulates <paramref name="population"/> over each window and scores it with <paramref name="model"/>.</summary>
    /// <param name="model">The packaged model, fitted on all training drivers.</param>
    /// <param name="training">The training population: its predictions calibrate the percentile score, as the package's calibration does.</param>
    /// <param name="population">The drivers (count, seed, zone); their window is set per row, minimum window and exposure settings are ignored.</param>
    /// <param name="windows">Windows in days, ascending, at least two; the last is the reference.</param>
    /// <param name="maxDegreeOfParallelism">Simulation threads; -1 one per core.</param>
    /// <param name="progress">Receives drivers simulated so far, over all windows; may be null.</param>
    /// <param name="cancellationToken">Stops between drivers.</param>
    public static WindowStability Evaluate(
        FrequencyModel model, TrainingDataset training, SyntheticPopulationOptions population, IReadOnlyList<int> windows,
        int maxDegreeOfParallelism = -1, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count < 2 || windows.Zip(windows.Skip(1)).Any(w => w.First >= w.Second) || windows[0] < 1)
        {
            throw new ArgumentException("Give at least two windows in days, ascending, each ≥ 1.", nameof(windows));
        }

        var reference = Sorted(model.Predict(training, [.. Enumerable.Range(0, training.Count)]));
        var predictions = new double[windows.Count][];
        var trips = new double[windows.Count][];
        double[]? truth = null;
        int[]? cells = null;
        TrainingDataset? shortest = null, longest = null;
        var done = 0;
        for (var w = 0; w < windows.Count; w++)
        {
            var options = population.ObservedFor(windows[w]);
            var offset = done;
            var data = SyntheticDatasetBuilder.Build(options, maxDegreeOfParallelism, progress is null ? null : new Progress(progress, offset), cancellationToken);
            predictions[w] = model.Predict(data, [.. Enumerable.Range(0, data.Count)]);
            trips[w] = TripCounts(data);
            truth ??= TelematicsPartOfTrueFrequency(data);
            cells ??= PlanCells(data);
            shortest ??= data;
            longest = data;
            done += data.Count;
        }

        var last = predictions[^1];
        var lastMean = ArrayStatistics.Mean(last);
        var lastScores = last.Select(p => Percentile(reference, p)).ToArray();
        var rows = new List<WindowStabilityRow>();
        for (var w = 0; w < windows.Count; w++)
        {
            var p = predictions[w];
            int same = 0;
            double change = 0;
            for (var i = 0; i < p.Length; i++)
            {
                var score = Percentile(reference, p[i]);
                same += Category(score) == Category(lastScores[i]) ? 1 : 0;
                change += Math.Abs(score - lastScores[i]);
            }

            rows.Add(new WindowStabilityRow(windows[w], ArrayStatistics.Mean(p) / lastMean, (double)same / p.Length, change / p.Length, Slope(p, last), Slope(p, truth!))
            {
                CellCredibility = CellSlope(p, truth!, cells!),
            });
        }

        var noise = FitSamplingNoise(predictions, trips);
        if (noise is { } perTrip)
        {
            rows = CheckNoise(rows, perTrip, reference, predictions, trips, lastScores);
        }

        return new WindowStability(rows, MinimumCredibilityDays(rows), population.DriverCount, population.Seed)
        {
            SamplingNoise = noise,
            Factors = Reliabilities(shortest!, longest!, model.Glm is { } glm ? [.. glm.Terms.Select(t => t.Factor.Feature)] : model.InputNames),
        };
    }

    // The per-trip SD s of ln λ, pooled over drivers and windows by the method of moments. The windows are prefixes of
    // the longest, so with noise s²/n the change from n to N trips has variance s²·(1/n − 1/N).
    internal static double? FitSamplingNoise(double[][] predictions, double[][] trips)
    {
        var last = predictions.Length - 1;
        double squares = 0, expected = 0;
        var pairs = 0;
        for (var w = 0; w < last; w++)
        {
            for (var i = 0; i < predictions[w].Length; i++)
            {
                if (Comparable(predictions, trips, w, i) is { } change)
                {
                    squares += change.Log * change.Log;
                    expected += change.Weight;
                    pairs++;
                }
            }
        }

        return pairs >= 100 && expected > 0 && squares > 0 ? Math.Sqrt(squares / expected) : null;
    }

    // Per window: how many changes the fitted noise's 90 % band holds, how many drivers' intervals lie in one category,
    // and how many of those keep it over the longest window.
    private static List<WindowStabilityRow> CheckNoise(
        List<WindowStabilityRow> rows, double noise, double[] reference, double[][] predictions, double[][] trips, double[] lastScores)
    {
        var last = predictions.Length - 1;
        var checkedRows = new List<WindowStabilityRow>(rows.Count);
        for (var w = 0; w < rows.Count; w++)
        {
            int compared = 0, inBand = 0, settled = 0, kept = 0;
            for (var i = 0; i < predictions[w].Length; i++)
            {
                var p = predictions[w][i];
                var half = HalfWidth(noise, trips[w][i]);
                if (p > 0 && !double.IsInfinity(half)
                    && Category(Percentile(reference, p * Math.Exp(-half))) == Category(Percentile(reference, p * Math.Exp(half))))
                {
                    settled++;
                    kept += Category(Percentile(reference, p)) == Category(lastScores[i]) ? 1 : 0;
                }

                if (w < last && Comparable(predictions, trips, w, i) is { } change)
                {
                    compared++;
                    inBand += Math.Abs(change.Log) <= IntervalZ * noise * Math.Sqrt(change.Weight) ? 1 : 0;
                }
            }

            var n = predictions[w].Length;
            checkedRows.Add(rows[w] with
            {
                NoiseBandShare = compared > 0 ? (double)inBand / compared : double.NaN,
                SettledShare = (double)settled / n,
                SettledSameCategoryShare = settled > 0 ? (double)kept / settled : double.NaN,
            });
        }

        return checkedRows;
    }

    // Half the interval's width in ln λ over n trips, as Telematics.Scoring's SamplingNoise.HalfWidth.
    private static double HalfWidth(double perTrip, double trips) => trips >= 1 ? IntervalZ * perTrip / Math.Sqrt(trips) : double.PositiveInfinity;

    // Driver i's change of ln λ from window w to the longest, and 1/n − 1/N; null without a trip in either or a positive λ.
    private static (double Log, double Weight)? Comparable(double[][] predictions, double[][] trips, int w, int i)
    {
        var (n, total) = (trips[w][i], trips[^1][i]);
        var (p, q) = (predictions[w][i], predictions[^1][i]);
        var weight = (1 / n) - (1 / total);
        return n >= 1 && total > n && p > 0 && q > 0 && weight > 0 ? (Math.Log(p / q), weight) : null;
    }

    private static double[] TripCounts(TrainingDataset data)
    {
        var index = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount);
        var counts = new double[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            counts[i] = data.Features(i)[index];
        }

        return counts;
    }

    // Each factor's correlation, over the drivers, between its transformed value over the shortest and the longest window;
    // drivers without the feature in either window are left out.
    private static FactorReliability[] Reliabilities(TrainingDataset shortest, TrainingDataset longest, IReadOnlyList<string> modelInputs)
    {
        var width = TelematicsFeaturesV2.Schema.Count;
        var a = new float[shortest.Count * width];
        var b = new float[longest.Count * width];
        for (var i = 0; i < shortest.Count; i++)
        {
            shortest.WriteV2Features(i, a.AsSpan(i * width, width));
            longest.WriteV2Features(i, b.AsSpan(i * width, width));
        }

        var rows = new List<FactorReliability>();
        var x = new List<double>(shortest.Count);
        var y = new List<double>(shortest.Count);
        foreach (var factor in RatingFactors.All)
        {
            // Read where the schema keeps the feature, not at the factor's place in the list.
            var j = TelematicsFeaturesV2.Schema.IndexOf(factor.Feature);
            if (factor.Role == FactorRole.DataQuality)
            {
                continue;
            }

            x.Clear();
            y.Clear();
            for (var i = 0; i < shortest.Count; i++)
            {
                var (u, v) = (a[(i * width) + j], b[(i * width) + j]);
                if (!float.IsNaN(u) && !float.IsNaN(v))
                {
                    x.Add(factor.Transform.Apply(u));
                    y.Add(factor.Transform.Apply(v));
                }
            }

            var correlation = x.Count > 2 && ArrayStatistics.Variance(x.ToArray()) > 0 && ArrayStatistics.Variance(y.ToArray()) > 0
                ? Correlation.Pearson(x, y)
                : double.NaN;
            rows.Add(new FactorReliability(factor.Feature, factor.Role, modelInputs.Contains(factor.Feature), correlation));
        }

        return [.. rows];
    }

    private static double[] Sorted(double[] values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }

    // The share of training drivers predicted below p, in percent: what the package's quantile calibration approximates.
    private static double Percentile(double[] sorted, double p)
    {
        var below = Array.BinarySearch(sorted, p);
        below = below < 0 ? ~below : below;
        return 100.0 * below / sorted.Length;
    }

    // The 20-point bands of RiskCategories (0–20 excellent … 80–100 high), upper bounds inclusive.
    private static int Category(double score) => score <= 20 ? 0 : score <= 40 ? 1 : score <= 60 ? 2 : score <= 80 ? 3 : 4;

    private sealed class Progress(IProgress<int> inner, int offset) : IProgress<int>
    {
        public void Report(int value) => inner.Report(offset + value);
    }
}
