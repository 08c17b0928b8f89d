using System.Globalization;

using Telematics.Service.Scoring;
using Telematics.Service.Storage;

namespace Telematics.Cli.BatchScore;

/// <summary>
/// A run's exit code from its stored counts, not only from the drivers of the call at hand: a re-run of a finished run and
/// a resumed run must not report success for a run whose earlier calls had failures, since a script that re-runs the
/// command after a crash only sees the last call's exit code.
/// </summary>
internal static class BatchRunFailures
{
    private const string WhereListed =
        "they are listed on stderr by the call that met them; a run under another --run-id lists them again (and scores the rest anew)";

    /// <summary>The run's stored counts, for the line that says it already finished.</summary>
    public static string Counts(ScoringRun run) => run.DriversWithoutTrips is { } noTrips
        ? string.Create(CultureInfo.InvariantCulture, $"{run.DriversScored} scored, {noTrips} without trips, {run.DriversFailed - noTrips} failed")
        : string.Create(CultureInfo.InvariantCulture, $"{run.DriversScored} scored, {run.DriversFailed} not scored");

    /// <summary>The exit code of a call that found the run finished (nothing written), saying on stderr what it failed.</summary>
    public static async Task<int> OfFinishedAsync(ScoringRun run, TextWriter error)
    {
        if (run.DriversWithoutTrips is not { } noTrips)
        {
            // Stored before the count was kept: exit as before, but say that the count is unknown, not zero.
            if (run.DriversFailed > 0)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"run {run.RunId}: {run.DriversFailed} drivers not scored; runs stored before this version count failures and drivers without trips together, so failures cannot be told from them (exit 0 as before)."));
            }

            return ExitCodes.Success;
        }

        var failed = run.DriversFailed - noTrips;
        if (failed <= 0)
        {
            return ExitCodes.Success;
        }

        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run {run.RunId} finished with {failed} drivers that failed (unknown id, refused by the model); {WhereListed}."));
        return ExitCodes.PartialFailure;
    }

    /// <summary>
    /// The exit code of a call that finished the run: by the run's stored failures, those of earlier calls (before a
    /// cancellation or crash) included, which are counted on stderr but not listed.
    /// </summary>
    public static async Task<int> OfFinishingAsync(ScoringRunReport report, TextWriter error)
    {
        var run = report.Run;
        var thisCall = report.Failed.Count;
        if (run.DriversWithoutTrips is not { } noTrips)
        {
            // Started before the count was kept and resumed since: the earlier calls' drivers cannot be split, so only this
            // call's failures decide, as before.
            var earlierNotScored = run.DriversFailed - thisCall - report.NoTrips;
            if (earlierNotScored > 0)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"run {run.RunId}: {earlierNotScored} drivers of earlier calls were not scored; runs started before this version count failures and drivers without trips together, so those cannot be told apart and do not change the exit code."));
            }

            return thisCall > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
        }

        var failed = run.DriversFailed - noTrips;
        var earlier = failed - thisCall;
        if (earlier > 0)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"run {run.RunId}: {earlier} more drivers failed in earlier calls of this run ({failed} in all); {WhereListed}."));
        }

        return failed > 0 || thisCall > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }
}
