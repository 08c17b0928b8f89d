using System.CommandLine;
using System.Globalization;
using Telematics.Cli.Events;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;

namespace Telematics.Cli.Score;

/// <summary>
/// <c>telematics score (--features FILE.csv | --input EVENTS [--format] [--mapping] [--driver] [--tz]) [--model DIR|--default] --output FILE</c>:
/// score driver feature vectors, or one driver's events file run through the feature pipeline, without a database.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var features = new Option<FileInfo?>("--features") { Description = "CSV of driver feature vectors: header driver_id + schema feature names." };
        var events = new EventFileOptions(inputRequired: false);
        var model = new Option<FileSystemInfo?>("--model") { Description = "A model package folder or .zip; default: the built-in rules model." };
        var useDefault = new Option<bool>("--default") { Description = "Score with the built-in rules model (the default when --model is absent)." };
        var output = new Option<FileInfo>("--output") { Description = "CSV to write: driver_id,score,category,raw_output,model,version,error,top_factors.", Required = true };
        var command = new Command("score", "Score driver feature vectors from a CSV, or one driver's events file, with a model package or the built-in rules model.") { features, model, useDefault, output };
        events.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var modelPath = parse.GetValue(model);
            if (modelPath is not null && parse.GetValue(useDefault))
            {
                error.WriteLine("Give either --model or --default, not both.");
                return ExitCodes.Usage;
            }

            var featuresFile = parse.GetValue(features);
            if ((featuresFile is null) == (parse.GetValue(events.Input) is null))
            {
                error.WriteLine("Give either --features (feature vectors) or --input (events), exactly one of them.");
                return ExitCodes.Usage;
            }

            List<DriverFeatures> drivers;
            if (featuresFile is null)
            {
                EventFile file;
                try
                {
                    file = events.Resolve(parse);
                }
                catch (ArgumentException e)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.Usage;
                }

                var outcome = await EventCommandRunner.RunAsync(file, reportBadPath: null, onChunk: null, error, cancellationToken);
                if (outcome.Result is null)
                {
                    return outcome.ExitCode;
                }

                parse.InvocationConfiguration.Output.WriteLine(outcome.Result.Summary());
                drivers = [new DriverFeatures(file.DriverId, Features.FeatureTableWriter.DriverVector(outcome.Result))];
            }
            else
            {
                try
                {
                    drivers = FeatureCsv.Read(featuresFile.FullName, TelematicsFeatures.Schema, error);
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.InputError;
                }
            }

            ModelRegistry registry;
            try
            {
                registry = modelPath is null
                    ? new ModelRegistry(new ModelRegistryOptions())
                    : ModelRegistry.ForPackage(Models.CliModelLoading.LoadPackage(modelPath.FullName));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ModelPackageException)
            {
                error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            using (registry)
            {
                BatchScoreResult result;
                try
                {
                    result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync(drivers, new BatchScoreOptions { IncludeContributions = true }, cancellationToken: cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Cancelled;
                }

                await WriteAsync(parse.GetValue(output)!.FullName, drivers, result);
                var summary = result.Summary;
                var text = parse.InvocationConfiguration.Output;
                text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored {summary.Count - summary.Failures} of {summary.Count} drivers, {summary.Failures} failed; mean {summary.Mean:F1}, p50 {summary.P50:F1}, p95 {summary.P95:F1}"));
                foreach (var (category, count) in summary.ByCategory)
                {
                    text.WriteLine($"  {category.ToWireName(),-14} {count}");
                }

                return summary.Failures == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
            }
        });
        return command;
    }

    private static async Task WriteAsync(string path, List<DriverFeatures> drivers, BatchScoreResult result)
    {
        var errors = result.Failures.ToDictionary(f => f.Index, f => f.Message);
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("driver_id,score,category,raw_output,model,version,error,top_factors");
        for (var i = 0; i < drivers.Count; i++)
        {
            var score = result.Scores[i];
            var line = score is null
                ? $"{drivers[i].DriverId},,,,,,\"{errors[i].Replace("\"", "'", StringComparison.Ordinal)}\","
                : string.Create(CultureInfo.InvariantCulture, $"{score.DriverId},{score.Score:F2},{score.Category.ToWireName()},{score.RawOutput:G6},{score.ModelName},{score.ModelVersion},,{TopFactors(score)}");
            await writer.WriteLineAsync(line);
        }
    }

    // The three factors that moved the score most from the reference, as "feature:+points" separated by '|'.
    private static string TopFactors(RiskScore score)
    {
        var factors = score.Contributions.OrderByDescending(c => Math.Abs(c.Points)).Take(3);
        return string.Join('|', factors.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Feature}:{c.Points:+0.00;-0.00;0.00}")));
    }
}
