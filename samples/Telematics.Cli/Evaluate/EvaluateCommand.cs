using System.CommandLine;
using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;
using Telematics.Training.Evaluation;

namespace Telematics.Cli.Evaluate;

/// <summary>
/// <c>telematics evaluate --scores S.csv --labels L.csv [--constant-rate R] [--check]</c>: a frequency model's scores
/// (what <c>telematics score</c> wrote) against observed claims — deviance, normalised Gini, the oracle's share when the
/// labels carry the true frequency, predicted against observed claims and calibration by decile. With <c>--check</c> it
/// exits 1 unless the shipping checks of <c>telematics train --require-holdout-checks</c> that need no other model hold.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var scores = new Option<FileInfo>("--scores") { Description = "Scores CSV as 'telematics score' writes it (driver_id, raw_output = the model's annual claim frequency).", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "Labels CSV: driver_id, exposure_years, claims [, true_lambda] ('telematics synth' writes drivers.csv in this shape).", Required = true };
        var constantRate = new Option<double?>("--constant-rate")
        {
            Description = "Claims per exposure year of the constant-rate model to beat (the training population's rate). Default: the labels' own observed rate, which is the harder baseline.",
        };
        var check = new Option<bool>("--check")
        {
            Description = $"Exit 1 unless the deviance is below the constant rate's, predicted claims are within ±{HoldoutEvaluation.MaxBalanceError:P0} of the observed and, with true_lambda, the normalised Gini is at least {HoldoutEvaluation.MinShareOfOracleGini:P0} of the oracle's.",
        };
        var command = new Command("evaluate", "Measure a frequency model's scores against observed claims: deviance, Gini against the oracle's, predicted/observed claims, calibration by decile.")
        {
            scores, labels, constantRate, check,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(constantRate) is { } given && !(given > 0 && double.IsFinite(given)))
            {
                error.WriteLine("--constant-rate must be a positive number of claims per exposure year.");
                return ExitCodes.Usage;
            }

            HoldoutScores data;
            try
            {
                data = HoldoutScores.Read(parse.GetValue(scores)!.FullName, parse.GetValue(labels)!.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            var failures = data.Write(output, parse.GetValue(constantRate));
            foreach (var failure in failures)
            {
                error.WriteLine(failure);
            }

            return parse.GetValue(check) && failures.Count > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>Scored drivers joined to their labels.</summary>
internal sealed class HoldoutScores
{
    private readonly double[] _predicted;
    private readonly TrainingDataset _labels;
    private readonly int _failed;

    private HoldoutScores(double[] predicted, TrainingDataset labels, int failed)
    {
        _predicted = predicted;
        _labels = labels;
        _failed = failed;
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
        return new HoldoutScores([.. scored.Select(s => s.Output)], joined, failed.Count);
    }

    /// <summary>Writes the figures; returns one sentence per failed check.</summary>
    public List<string> Write(TextWriter output, double? constantRate)
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

        Line(output, $"drivers {_predicted.Length:N0} ({_failed:N0} without a score left out), exposure {years:N1} years, observed claims {observed:N0} ({observed / years:P2} per year)");
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

        var failures = new List<string>();
        if (!(model.MeanDeviance < model.NullMeanDeviance))
        {
            failures.Add(Format($"check failed: deviance {model.MeanDeviance:F5} is not below the constant rate's {model.NullMeanDeviance:F5}."));
        }

        if (oracle is not null && !(model.NormalisedGini >= HoldoutEvaluation.MinShareOfOracleGini * oracle.NormalisedGini))
        {
            failures.Add(Format($"check failed: normalised Gini {model.NormalisedGini:F4} is {model.NormalisedGini / oracle.NormalisedGini:P1} of the oracle's, below {HoldoutEvaluation.MinShareOfOracleGini:P0}."));
        }

        if (!(Math.Abs(balance - 1) <= HoldoutEvaluation.MaxBalanceError))
        {
            failures.Add(Format($"check failed: predicted claims are {balance:F3}× the observed, outside ±{HoldoutEvaluation.MaxBalanceError:P0}."));
        }

        return failures;
    }

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
