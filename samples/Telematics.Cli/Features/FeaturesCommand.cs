using System.CommandLine;
using System.Globalization;
using Telematics.Cli.Events;
using Telematics.Cli.Output;
using Telematics.Features.Ingest;

namespace Telematics.Cli.Features;

/// <summary>
/// <c>telematics features --input FILE [--format] [--mapping] [--driver] [--tz] [--imu PATH --imu-mapping FILE] --output FILE [--report-bad FILE]</c>:
/// one driver's events → trips with their 29 features and the driver's aggregate, as CSV or JSON.
/// </summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var events = new EventFileOptions(inputRequired: true);
        var output = new Option<FileInfo>("--output") { Description = "Where to write the trip rows and the driver row (.csv or .json).", Required = true };
        var outputFormat = new Option<string?>("--output-format") { Description = "csv or json; default: from the --output extension." };
        outputFormat.AcceptOnlyFromAmong("csv", "json");
        var reportBad = new Option<FileInfo?>("--report-bad") { Description = "Skip bad records and list them here (record,field,reason,excerpt); without it the first bad record fails the run (exit 3)." };
        var command = new Command("features", "Compute per-trip and per-driver features from one driver's events file.");
        events.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(outputFormat);
        command.Options.Add(reportBad);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (events.TryResolve(parse, error, out var file) is { } refused)
            {
                return refused;
            }

            bool json;
            try
            {
                json = IsJson(parse.GetValue(outputFormat), parse.GetValue(output)!.Name);
                DistinctPaths.Require(
                    [("--input", parse.GetValue(events.Input)), ("--mapping", parse.GetValue(events.Mapping)), ("--imu-mapping", parse.GetValue(events.ImuMapping))],
                    [("--output", parse.GetValue(output)), ("--report-bad", parse.GetValue(reportBad))]);
                OutputFile.RequireFolder("--report-bad", parse.GetValue(reportBad));
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.Usage;
            }

            var badPath = parse.GetValue(reportBad)?.FullName;
            var outcome = await EventCommandRunner.RunAsync(file, badPath, onChunk: null, error, cancellationToken);
            if (outcome.Result is null)
            {
                return outcome.ExitCode;
            }

            var outputPath = parse.GetValue(output)!.FullName;
            if (json)
            {
                await FeatureTableWriter.WriteJsonAsync(outputPath, outcome.Result);
            }
            else
            {
                await FeatureTableWriter.WriteCsvAsync(outputPath, outcome.Result);
            }

            parse.InvocationConfiguration.Output.WriteLine(outcome.Result.Summary());

            // Skipped bad records (--report-bad) are a partial failure: the features are written, the report lists the rest.
            return outcome.Result.Reading.RejectedCount > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
        });
        return command;
    }

    private static bool IsJson(string? format, string fileName) => format switch
    {
        "json" => true,
        "csv" => false,
        _ => Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".json" => true,
            ".csv" => false,
            var other => throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--output: cannot tell csv or json from the extension '{other}'; give --output-format.")),
        },
    };
}
