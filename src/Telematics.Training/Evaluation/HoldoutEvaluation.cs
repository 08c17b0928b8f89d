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
        var model = Models.FirstOrDefault(m => m.Kind == packaged);
        if (model is null)
        {
            return [$"{packaged.Name()} was not evaluated on the holdout."];
        }

        var classical = Models.FirstOrDefault(m => m.Kind == FrequencyModelKind.ClassicalGlm)?.Evaluation;
        return Failures(packaged.Name(), model.Evaluation, model.PredictedOverObserved, Oracle, classical);
    }

    /// <summary>
    /// The shipping checks of <see cref="Failures(FrequencyModelKind)"/> on any model's holdout figures, such as a packaged
    /// model's scores measured outside training; a check whose reference is not given (no oracle, no classical GLM) is
    /// skipped. Returns one sentence per failed check, each starting with <paramref name="name"/>.
    /// </summary>
    /// <param name="name">The model, as the sentences name it.</param>
    /// <param name="evaluation">Its figures on the holdout (null model = the constant rate).</param>
    /// <param name="predictedOverObserved">Its predicted claims over the observed.</param>
    /// <param name="oracle">The true λ's figures on the same drivers, or null.</param>
    /// <param name="classical">The classical GLM's figures on the same drivers, or null.</param>
    public static IReadOnlyList<string> Failures(string name, ModelEvaluation evaluation, double predictedOverObserved, ModelEvaluation? oracle, ModelEvaluation? classical)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var failures = new List<string>();
        var e = evaluation;
        if (!(e.MeanDeviance < e.NullMeanDeviance))
        {
            failures.Add(Format($"{name} deviance {e.MeanDeviance:F5} is not below the constant rate's {e.NullMeanDeviance:F5}."));
        }

        if (classical is not null && !(e.MeanDeviance < classical.MeanDeviance))
        {
            failures.Add(Format($"{name} deviance {e.MeanDeviance:F5} is not below the classical GLM's {classical.MeanDeviance:F5}."));
        }

        if (oracle is not null && !(e.NormalisedGini >= MinShareOfOracleGini * oracle.NormalisedGini))
        {
            failures.Add(Format($"{name} normalised Gini {e.NormalisedGini:F4} is {e.NormalisedGini / oracle.NormalisedGini:P1} of the oracle's {oracle.NormalisedGini:F4}, below {MinShareOfOracleGini:P0}."));
        }

        if (!(Math.Abs(predictedOverObserved - 1) <= MaxBalanceError))
        {
            failures.Add(Format($"{name} predicts {predictedOverObserved:F3}× the observed claims, outside ±{MaxBalanceError:P0}."));
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
