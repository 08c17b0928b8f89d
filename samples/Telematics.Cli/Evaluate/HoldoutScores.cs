using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;
using Telematics.Training.Evaluation;

namespace Telematics.Cli.Evaluate;

/// <summary>Scored drivers joined to their labels.</summary>
internal sealed class HoldoutScores
{
    // Named in a failure message: enough to find them, not the whole list.
    private const int IdsNamed = 5;

    private readonly double[] _predicted;
    private readonly TrainingDataset _labels;
    private readonly List<string> _unscored;
    private readonly List<string> _missing;

    private HoldoutScores(double[] predicted, TrainingDataset labels, List<string> unscored, List<string> missing)
    {
        _predicted = predicted;
        _labels = labels;
        _unscored = unscored;
        _missing = missing;
    }

    public static HoldoutScores Read(string scoresPath, string labelsPath)
    {
        var (scored, failed) = ScoresCsv.Read(scoresPath);
        if (scored.Count == 0)
        {
            throw new InvalidDataException($"{scoresPath}: no scored driver to evaluate ({failed.Count} without a score).");
        }

        // The labels reader joins to feature vectors; evaluate needs none, so each driver gets an empty one.
        var empty = new float[TelematicsFeatures.Schema.Count];
        Array.Fill(empty, float.NaN);
        var joined = LabelsFile.Join(labelsPath, [.. scored.Select(s => (s.DriverId, empty))]);
        // The join walks the scored drivers only: a labelled driver the scores file leaves out would go unnoticed.
        var inScores = new HashSet<string>(scored.Select(s => s.DriverId), StringComparer.Ordinal);
        inScores.UnionWith(failed);
        var missing = LabelledDriverIds(labelsPath).Where(id => !inScores.Contains(id)).ToList();
        return new HoldoutScores([.. scored.Select(s => s.Output)], joined, failed, missing);
    }

    /// <summary>
    /// Writes the figures; returns one sentence per failed check: those of training's holdout but the classical GLM's
    /// (evaluate reads one model's scores), and any driver of either file left out of the figures.
    /// </summary>
    public IReadOnlyList<string> Write(TextWriter output, double? constantRate)
    {
        var exposure = _labels.ExposureYears;
        var claims = _labels.Claims;
        double years = 0, observed = 0, predicted = 0;
        for (var i = 0; i < _predicted.Length; i++)
        {
            years += exposure[i];
            observed += claims[i];
            predicted += _predicted[i] * exposure[i];
        }

        var rate = constantRate ?? observed / years;
        var constant = new double[_predicted.Length];
        Array.Fill(constant, rate);
        var model = ModelEvaluation.Evaluate("model", _predicted, exposure, claims, constant);
        var oracle = _labels.HasTrueFrequency ? ModelEvaluation.Evaluate("oracle", _labels.TrueAnnualFrequency, exposure, claims, constant) : null;
        var balance = predicted / observed;

        Line(output, $"drivers {_predicted.Length:N0} ({_unscored.Count:N0} without a score left out, {_missing.Count:N0} labelled but not in the scores), exposure {years:N1} years, observed claims {observed:N0} ({observed / years:P2} per year)");
        Line(output, $"mean Poisson deviance {model.MeanDeviance:F5}; constant rate {rate:F5} ({(constantRate is null ? "the labels' own" : "given")}): {model.NullMeanDeviance:F5}");
        var against = oracle is null
            ? "; no true_lambda, so no oracle"
            : Format($"; oracle {oracle.NormalisedGini:F4}; share of the oracle's {model.NormalisedGini / oracle.NormalisedGini:P1}");
        Line(output, $"normalised Gini {model.NormalisedGini:F4}{against}");
        Line(output, $"predicted / observed claims {balance:F3} ({predicted:N1} / {observed:N0})");
        output.WriteLine("decile,drivers,exposure_years,predicted_claims,observed_claims");
        foreach (var group in model.Deciles)
        {
            Line(output, $"{group.Decile},{group.Drivers},{group.ExposureYears:F1},{group.PredictedClaims:F1},{group.ObservedClaims:F0}");
        }

        output.WriteLine("classical GLM: not compared, so that check of 'train --require-holdout-checks' was not run here (evaluate reads one model's scores)");
        var failures = HoldoutEvaluation.Failures("the scored model", model, balance, oracle, classical: null).Select(f => "check failed: " + f).ToList();
        // Checks that pass on part of the population say nothing about the rest of it.
        if (_unscored.Count > 0)
        {
            failures.Add(Format($"check failed: {_unscored.Count:N0} driver(s) of the scores have no raw_output ({Named(_unscored)}), so the checks cover only part of the population."));
        }

        if (_missing.Count > 0)
        {
            failures.Add(Format($"check failed: {_missing.Count:N0} labelled driver(s) are not in the scores ({Named(_missing)}), so the checks cover only part of the population."));
        }

        return failures;
    }

    private static string Named(List<string> ids) =>
        string.Join(", ", ids.Take(IdsNamed).Select(id => $"'{id}'")) + (ids.Count > IdsNamed ? ", …" : "");

    // The labels' driver_id column, read as LabelsFile reads it (plain comma-separated cells, trimmed); its other
    // errors were already reported by the join.
    private static IEnumerable<string> LabelledDriverIds(string path)
    {
        using var reader = new StreamReader(path);
        var column = Array.FindIndex((reader.ReadLine() ?? "").Split(','), c => c.Trim() == "driver_id");
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line.Split(',')[column].Trim();
            }
        }
    }

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
