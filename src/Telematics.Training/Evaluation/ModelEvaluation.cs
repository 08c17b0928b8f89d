namespace Telematics.Training.Evaluation;

/// <summary>Out-of-fold metrics of one model (or of the oracle) on a dataset.</summary>
/// <param name="Model">Name of the model, for example <c>trees-telematics</c> or <c>oracle</c>.</param>
/// <param name="MeanDeviance">Mean Poisson deviance per driver; lower is better.</param>
/// <param name="NullMeanDeviance">Mean Poisson deviance of the null model (each fold's training claim rate) on the same drivers.</param>
/// <param name="Gini">Exposure-weighted Gini of the predicted frequency.</param>
/// <param name="NormalisedGini">Gini divided by the Gini of the hindsight ordering (observed frequency).</param>
/// <param name="Auc">AUC of "at least one claim".</param>
/// <param name="Deciles">Calibration by decile of predicted expected claims.</param>
public sealed record ModelEvaluation(
    string Model, double MeanDeviance, double NullMeanDeviance, double Gini, double NormalisedGini, double Auc, IReadOnlyList<CalibrationGroup> Deciles)
{
    /// <summary>Share of the null model's deviance the model explains: <c>1 − deviance / null deviance</c>.</summary>
    public double DevianceExplained => 1 - (MeanDeviance / NullMeanDeviance);

    /// <summary>Evaluates predicted annual frequencies against observed claims.</summary>
    /// <param name="model">Name to report.</param>
    /// <param name="predictedFrequency">Predicted claims per year of exposure, each &gt; 0.</param>
    /// <param name="exposure">Exposure per driver, years.</param>
    /// <param name="claims">Observed claims.</param>
    /// <param name="nullFrequency">The null model's frequency for each driver (the training claim rate of its fold).</param>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a prediction is not positive.</exception>
    public static ModelEvaluation Evaluate(
        string model, ReadOnlySpan<double> predictedFrequency, ReadOnlySpan<double> exposure, ReadOnlySpan<int> claims, ReadOnlySpan<double> nullFrequency)
    {
        var expected = new double[predictedFrequency.Length];
        var expectedNull = new double[predictedFrequency.Length];
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] = predictedFrequency[i] * exposure[i];
            expectedNull[i] = nullFrequency[i] * exposure[i];
        }

        return new ModelEvaluation(
            model,
            FrequencyMetrics.MeanPoissonDeviance(claims, expected),
            FrequencyMetrics.MeanPoissonDeviance(claims, expectedNull),
            FrequencyMetrics.Gini(predictedFrequency, exposure, claims),
            FrequencyMetrics.NormalisedGini(predictedFrequency, exposure, claims),
            FrequencyMetrics.ClaimAuc(expected, claims),
            FrequencyMetrics.Deciles(expected, claims, exposure));
    }
}
