using System.Globalization;
using Telematics.Training.Datasets;
using Telematics.Training.Modeling;

namespace Telematics.Training.Evaluation;

/// <summary>
/// The final models scored on a population they never saw (another seed of the generator): the test that out-of-fold
/// figures on the training population cannot give, since a model tuned on that population can flatter itself there.
/// </summary>
/// <param name="Models">Each model's evaluation and its predicted over observed claims, in the order given.</param>
/// <param name="Oracle">The true λ on the same drivers, when known.</param>
public sealed record HoldoutEvaluation(IReadOnlyList<HoldoutModel> Models, ModelEvaluation? Oracle)
{
    /// <summary>Smallest share of the oracle's normalised Gini the packaged model must reach.</summary>
    public const double MinShareOfOracleGini = 0.85;

    /// <summary>Largest |predicted / observed − 1| of the packaged model's total claims.</summary>
    public const double MaxBalanceError = 0.05;

    /// <summary>Scores every model that applies to the holdout; the constant rate is the training population's claim rate.</summary>
    /// <param name="models">Models fitted on all training drivers.</param>
    /// <param name="holdout">The fresh population.</param>
    /// <param name="trainingClaimRate">Claims per exposure year of the training population (the constant-rate model).</param>
    public static HoldoutEvaluation Evaluate(IReadOnlyList<FrequencyModel> models, TrainingDataset holdout, double trainingClaimRate)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(holdout);
        var rows = Enumerable.Range(0, holdout.Count).ToList();
        var constant = new double[holdout.Count];
        Array.Fill(constant, trainingClaimRate);
        double observed = 0;
        foreach (var claims in holdout.Claims)
        {
            observed += claims;
        }

        var results = new List<HoldoutModel>();
        foreach (var model in models)
        {
            if ((model.Kind.NeedsClassicalFactors() && !holdout.HasClassicalFactors) || (model.Kind.NeedsObservedDays() && !holdout.HasObservedDays))
            {
                continue;
            }

            var predicted = model.Predict(holdout, rows);
            double expected = 0;
            for (var i = 0; i < predicted.Length; i++)
            {
                expected += predicted[i] * holdout.ExposureYears[i];
            }

            results.Add(new HoldoutModel(model.Kind, ModelEvaluation.Evaluate(model.Kind.Name(), predicted, holdout.ExposureYears, holdout.Claims, constant), expected / observed));
        }

        var oracle = holdout.HasTrueFrequency
            ? ModelEvaluation.Evaluate(CrossValidator.OracleName, holdout.TrueAnnualFrequency, holdout.ExposureYears, holdout.Claims, constant)
            : null;
        return new HoldoutEvaluation(results, oracle);
    }

    /// <summary>
    /// What the packaged model must hold on the holdout before it may ship: deviance below the constant rate and the
    /// classical GLM, at least <see cref="MinShareOfOracleGini"/> of the oracle's normalised Gini, and predicted claims
    /// within <see cref="MaxBalanceError"/> of the observed. Returns one sentence per failed check (empty: it may ship).
    /// </summary>
    public IReadOnlyList<string> Failures(FrequencyModelKind packaged)
    {
        var failures = new List<string>();
        var model = Models.FirstOrDefault(m => m.Kind == packaged);
        if (model is null)
        {
            failures.Add($"{packaged.Name()} was not evaluated on the holdout.");
            return failures;
        }

        var e = model.Evaluation;
        if (!(e.MeanDeviance < e.NullMeanDeviance))
        {
            failures.Add(Format($"{packaged.Name()} deviance {e.MeanDeviance:F5} is not below the constant rate's {e.NullMeanDeviance:F5}."));
        }

        if (Models.FirstOrDefault(m => m.Kind == FrequencyModelKind.ClassicalGlm) is { } classical && !(e.MeanDeviance < classical.Evaluation.MeanDeviance))
        {
            failures.Add(Format($"{packaged.Name()} deviance {e.MeanDeviance:F5} is not below the classical GLM's {classical.Evaluation.MeanDeviance:F5}."));
        }

        if (Oracle is not null && !(e.NormalisedGini >= MinShareOfOracleGini * Oracle.NormalisedGini))
        {
            failures.Add(Format($"{packaged.Name()} normalised Gini {e.NormalisedGini:F4} is {e.NormalisedGini / Oracle.NormalisedGini:P1} of the oracle's {Oracle.NormalisedGini:F4}, below {MinShareOfOracleGini:P0}."));
        }

        if (!(Math.Abs(model.PredictedOverObserved - 1) <= MaxBalanceError))
        {
            failures.Add(Format($"{packaged.Name()} predicts {model.PredictedOverObserved:F3}× the observed claims, outside ±{MaxBalanceError:P0}."));
        }

        return failures;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One model on the holdout.</summary>
/// <param name="Kind">The model.</param>
/// <param name="Evaluation">Its deviance, Gini and AUC on the holdout (null model = the training claim rate).</param>
/// <param name="PredictedOverObserved">Predicted claims over observed claims on the holdout (1 = balanced).</param>
public sealed record HoldoutModel(FrequencyModelKind Kind, ModelEvaluation Evaluation, double PredictedOverObserved);
