using Telematics.Training.Datasets;
using Telematics.Training.Evaluation;

namespace Telematics.Training.Modeling;

/// <summary>
/// k-fold cross-validation of every applicable <see cref="FrequencyModelKind"/> on a dataset: each fold is predicted
/// by models trained on the other folds, and the out-of-fold predictions are scored with <see cref="ModelEvaluation"/>,
/// next to the oracle (the true λ, when known) on the same drivers.
/// </summary>
public static class CrossValidator
{
    /// <summary>The report name of the oracle's evaluation.</summary>
    public const string OracleName = "oracle";

    /// <summary>Runs the cross-validation.</summary>
    /// <param name="data">The dataset; models that need classical factors are skipped when it has none.</param>
    /// <param name="options">Folds, seed and trainer settings.</param>
    /// <param name="progress">Receives one report per fitted model; may be null.</param>
    /// <param name="cancellationToken">Stops between models.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    /// <exception cref="ArgumentException">The dataset has fewer than ten drivers per fold, no claims at all, or a fold whose training drivers (the other folds) have none.</exception>
    public static CrossValidationResult Run(
        TrainingDataset data, TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.Count < options.Folds * 10)
        {
            throw new ArgumentException($"The dataset has {data.Count} drivers; {options.Folds}-fold cross-validation needs at least {options.Folds * 10}.", nameof(data));
        }

        var kinds = new List<FrequencyModelKind>();
        foreach (var kind in FrequencyModelKinds.All)
        {
            if ((!kind.NeedsClassicalFactors() || data.HasClassicalFactors) && (!kind.NeedsObservedDays() || data.HasObservedDays))
            {
                kinds.Add(kind);
            }
        }

        var fold = FoldAssignment.Create(data.Count, options.Folds, options.Seed);
        RequireClaimsInEveryTrainingFold(data, fold, options.Folds);
        var predictions = new Dictionary<FrequencyModelKind, double[]>();
        foreach (var kind in kinds)
        {
            predictions[kind] = new double[data.Count];
        }

        var nullFrequency = new double[data.Count];
        var total = options.Folds * kinds.Count;
        var done = 0;
        for (var f = 0; f < options.Folds; f++)
        {
            var train = new List<int>();
            var test = new List<int>();
            double claims = 0, exposure = 0;
            for (var i = 0; i < data.Count; i++)
            {
                if (fold[i] == f)
                {
                    test.Add(i);
                }
                else
                {
                    train.Add(i);
                    claims += data.Claims[i];
                    exposure += data.ExposureYears[i];
                }
            }

            var rate = claims / exposure;
            foreach (var i in test)
            {
                nullFrequency[i] = rate;
            }

            foreach (var kind in kinds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new TrainingProgress($"fold {f + 1}/{options.Folds}: {kind.Name()}", done, total));
                var model = FrequencyModel.Fit(data, kind, train, options, TrainerSeed(options.Seed, f));
                var predicted = model.Predict(data, test);
                var target = predictions[kind];
                for (var t = 0; t < test.Count; t++)
                {
                    target[test[t]] = predicted[t];
                }

                done++;
            }
        }

        progress?.Report(new TrainingProgress("cross-validation done", total, total));
        var evaluations = new List<ModelEvaluation>();
        foreach (var kind in kinds)
        {
            evaluations.Add(ModelEvaluation.Evaluate(kind.Name(), predictions[kind], data.ExposureYears, data.Claims, nullFrequency));
        }

        if (data.HasTrueFrequency)
        {
            evaluations.Add(ModelEvaluation.Evaluate(OracleName, data.TrueAnnualFrequency, data.ExposureYears, data.Claims, nullFrequency));
        }

        return new CrossValidationResult(options.Folds, fold, predictions, nullFrequency, evaluations);
    }

    // A Poisson fit on drivers without a claim has no finite rate: its failure ("Row 17: the expected claim count must be
    // positive") would not say that the data, not the model, is short. Checked before any fit, naming the fold.
    private static void RequireClaimsInEveryTrainingFold(TrainingDataset data, IReadOnlyList<int> fold, int folds)
    {
        var claimsInFold = new long[folds];
        long total = 0;
        for (var i = 0; i < data.Count; i++)
        {
            claimsInFold[fold[i]] += data.Claims[i];
            total += data.Claims[i];
        }

        if (total == 0)
        {
            throw new ArgumentException($"The dataset's {data.Count} drivers have no claims at all; a claim-frequency model needs observed claims.", nameof(data));
        }

        for (var f = 0; f < folds; f++)
        {
            if (total - claimsInFold[f] == 0)
            {
                throw new ArgumentException(
                    $"The training drivers of fold {f + 1}/{folds} (all but that fold's) have no claim: the dataset's {total} claim(s) all fall in fold {f + 1}. Give more drivers with claims or fewer folds.",
                    nameof(data));
            }
        }
    }

    /// <summary>The ML.NET seed of fold <paramref name="fold"/> (or of the final fit, fold = folds).</summary>
    /// <param name="seed">The training seed.</param>
    /// <param name="fold">The fold, 0-based; the number of folds for the final fit on all drivers.</param>
    public static int TrainerSeed(ulong seed, int fold) => (int)(seed % 1_000_000_007UL) + fold;
}

/// <summary>What <see cref="CrossValidator.Run"/> measured.</summary>
/// <param name="Folds">Number of folds.</param>
/// <param name="FoldOfRow">The fold of each driver.</param>
/// <param name="OutOfFoldFrequency">Each model's out-of-fold predicted annual frequency per driver.</param>
/// <param name="NullFrequency">The null model's frequency per driver (its fold's training claim rate).</param>
/// <param name="Evaluations">One evaluation per model, then the oracle's when the true λ is known.</param>
public sealed record CrossValidationResult(
    int Folds,
    IReadOnlyList<int> FoldOfRow,
    IReadOnlyDictionary<FrequencyModelKind, double[]> OutOfFoldFrequency,
    IReadOnlyList<double> NullFrequency,
    IReadOnlyList<ModelEvaluation> Evaluations)
{
    /// <summary>The evaluation named <paramref name="model"/> (a <see cref="FrequencyModelKinds.Name"/> or <c>oracle</c>), or null.</summary>
    public ModelEvaluation? Find(string model)
    {
        foreach (var evaluation in Evaluations)
        {
            if (evaluation.Model == model)
            {
                return evaluation;
            }
        }

        return null;
    }
}
