using Telematics.Training.Datasets;

namespace Telematics.Training.Evaluation;

/// <summary>
/// How a model's predictions fall on groups the model does not see (age band, region): the fairness table of the
/// training report. A telematics model can proxy such attributes through driving habits (see docs/training/fairness.md);
/// this shows by how much.
/// </summary>
/// <param name="Attribute">The attribute (<c>age band</c>, <c>region</c>).</param>
/// <param name="Group">The group's value.</param>
/// <param name="Drivers">Drivers in the group.</param>
/// <param name="ObservedFrequency">Claims per exposure year observed in the group.</param>
/// <param name="PredictedFrequency">Exposure-weighted mean predicted frequency.</param>
/// <param name="MeanScore">Mean score, as the percentile of the prediction in the whole population (0–100).</param>
/// <param name="HighShare">Share of the group scored above 80 (the <c>high</c> category).</param>
public sealed record GroupDistribution(string Attribute, string Group, int Drivers, double ObservedFrequency, double PredictedFrequency, double MeanScore, double HighShare)
{
    /// <summary>The table for <paramref name="predicted"/> (one frequency per driver of <paramref name="data"/>), by age band then region.</summary>
    /// <exception cref="InvalidOperationException">The dataset has no classical factors.</exception>
    public static IReadOnlyList<GroupDistribution> Compute(TrainingDataset data, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(predicted);
        if (!data.HasClassicalFactors)
        {
            throw new InvalidOperationException("The dataset has no classical factors to group by.");
        }

        // Score = percentile of the prediction in the population, as the packaged calibration does.
        var order = Enumerable.Range(0, data.Count).OrderBy(i => predicted[i]).ToArray();
        var score = new double[data.Count];
        for (var rank = 0; rank < order.Length; rank++)
        {
            score[order[rank]] = 100.0 * rank / Math.Max(1, order.Length - 1);
        }

        var rows = new List<GroupDistribution>();
        rows.AddRange(ByGroup(data, predicted, score, "age band", i => data.Classical(i).AgeBand.Code()));
        rows.AddRange(ByGroup(data, predicted, score, "region", i => data.Classical(i).Region));
        return rows;
    }

    private static IEnumerable<GroupDistribution> ByGroup(TrainingDataset data, IReadOnlyList<double> predicted, double[] score, string attribute, Func<int, string> key) =>
        Enumerable.Range(0, data.Count)
            .GroupBy(key)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                double exposure = 0, claims = 0, expected = 0, scores = 0, high = 0;
                foreach (var i in g)
                {
                    exposure += data.ExposureYears[i];
                    claims += data.Claims[i];
                    expected += predicted[i] * data.ExposureYears[i];
                    scores += score[i];
                    high += score[i] > 80 ? 1 : 0;
                }

                var n = g.Count();
                return new GroupDistribution(attribute, g.Key, n, claims / exposure, expected / exposure, scores / n, high / n);
            });
}
