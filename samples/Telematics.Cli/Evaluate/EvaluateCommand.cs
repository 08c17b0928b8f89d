using System.CommandLine;
using Telematics.Training.Evaluation;

namespace Telematics.Cli.Evaluate;

/// <summary>
/// <c>telematics evaluate --scores S.csv --labels L.csv [--constant-rate R] [--check]</c>: a frequency model's scores
/// (what <c>telematics score</c> wrote) against observed claims — deviance, normalised Gini, the oracle's share when the
/// labels carry the true frequency, predicted against observed claims and calibration by decile. With <c>--check</c> it
/// exits 1 unless the shipping checks of <c>telematics train --require-holdout-checks</c> that need no other model hold
/// (the output says that the classical GLM's was not run) and every driver of both files was scored: checks passed on part
/// of the population would pass a model that fails on the rest.
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
            Description = $"Exit 1 unless every driver of both files is scored, the deviance is below the constant rate's, predicted claims are within ±{HoldoutEvaluation.MaxBalanceError:P0} of the observed and, with true_lambda, the normalised Gini is at least {HoldoutEvaluation.MinShareOfOracleGini:P0} of the oracle's. The classical GLM is not compared.",
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
