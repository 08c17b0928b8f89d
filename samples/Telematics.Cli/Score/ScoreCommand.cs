using System.CommandLine;
using System.Globalization;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;

namespace Telematics.Cli.Score;

/// <summary><c>telematics score --features FILE.csv [--model DIR|--default] --output FILE</c>: score driver feature vectors without a database.</summary>
/// <remarks>Scoring from an events file needs the event readers and is not offered here yet.</remarks>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var features = new Option<FileInfo>("--features") { Description = "CSV of driver feature vectors: header driver_id + schema feature names.", Required = true };
        var model = new Option<FileSystemInfo?>("--model") { Description = "A model package folder or .zip; default: the built-in rules model." };
        var useDefault = new Option<bool>("--default") { Description = "Score with the built-in rules model (the default when --model is absent)." };
        var output = new Option<FileInfo>("--output") { Description = "CSV to write: driver_id,score,category,raw_output,model,version,error.", Required = true };
        var command = new Command("score", "Score driver feature vectors from a CSV with a model package or the built-in rules model.") { features, model, useDefault, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var modelPath = parse.GetValue(model);
            if (modelPath is not null && parse.GetValue(useDefault))
            {
                error.WriteLine("Give either --model or --default, not both.");
                return ExitCodes.Usage;
            }

            List<DriverFeatures> drivers;
            ModelRegistry registry;
            try
            {
                drivers = FeatureCsv.Read(parse.GetValue(features)!.FullName, TelematicsFeatures.Schema, error);
                registry = modelPath is null
                    ? new ModelRegistry(new ModelRegistryOptions())
                    : ModelRegistry.ForPackage(ModelPackageLoader.Load(modelPath.FullName));
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
                    result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync(drivers, cancellationToken: cancellationToken);
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
        await writer.WriteLineAsync("driver_id,score,category,raw_output,model,version,error");
        for (var i = 0; i < drivers.Count; i++)
        {
            var score = result.Scores[i];
            var line = score is null
                ? $"{drivers[i].DriverId},,,,,,\"{errors[i].Replace("\"", "'", StringComparison.Ordinal)}\""
                : string.Create(CultureInfo.InvariantCulture, $"{score.DriverId},{score.Score:F2},{score.Category.ToWireName()},{score.RawOutput:G6},{score.ModelName},{score.ModelVersion},");
            await writer.WriteLineAsync(line);
        }
    }
}
