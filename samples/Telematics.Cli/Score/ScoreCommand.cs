using System.CommandLine;
using System.Globalization;
using Telematics.Cli.Events;
using Telematics.Cli.Output;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;

namespace Telematics.Cli.Score;

/// <summary>
/// <c>telematics score (--features FILE.csv | --input EVENTS [--format] [--mapping] [--driver] [--tz])
/// [--model PACKAGE | --models DIR [--default-model NAME] [--experiment FILE] | --default] [--plan FILE [--region R] [--age-band A] [--vehicle-class V] [--period-days N]] --output FILE [--report-bad FILE]</c>:
/// score driver feature vectors, or one driver's events file run through the feature pipeline, without a database;
/// optionally through an A/B experiment over a model directory, and priced with a pricing plan.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var features = new Option<FileInfo?>("--features") { Description = "CSV of driver feature vectors: header driver_id [, observed_days] + schema feature names, or the driver rows of what `telematics features` writes." };
        var events = new EventFileOptions(inputRequired: false);
        var model = new Option<FileSystemInfo?>("--model") { Description = "A model package folder or .zip; default: the built-in rules model." };
        var useDefault = new Option<bool>("--default") { Description = "Score with the built-in rules model (the default when --model is absent)." };
        var models = new Option<DirectoryInfo?>("--models") { Description = "A model directory (<dir>/<name>/<version>/ with aliases): drivers are scored with its model at its champion alias (else its highest version)." };
        var defaultModel = Models.CliModelLoading.DefaultModel();
        var experiment = new Option<FileInfo?>("--experiment") { Description = "An experiment JSON (docs/experiments): each driver is scored by the variant its id hashes to; needs --models unless every variant is builtin-rules." };
        var plan = new Option<FileInfo?>("--plan") { Description = "A pricing plan JSON (docs/pricing): adds each driver's premium." };
        var region = new Option<string?>("--region") { Description = "Region code for --plan; default: the plan's default base rate." };
        var ageBand = new Option<string?>("--age-band") { Description = "Age band for --plan's classical relativities and cells (under25, 25_39, 40_64, over65); default: none (factor 1)." };
        var vehicleClass = new Option<string?>("--vehicle-class") { Description = "Vehicle class for --plan's classical relativities and cells (small, family, suv, performance); default: none (factor 1)." };
        var periodDays = new Option<int?>("--period-days") { Description = "Days the drivers were observed over (1–3660): gives telematics@2 models their window and annualises distance_km for --plan. Default: a CSV's observed_days column, else for --input the days the events span, else (pricing only) 365 to annualise distance_km while a relativity plan credits 0 days of credibility (the classical price)." };
        var output = new Option<FileInfo>("--output") { Description = "CSV to write: driver_id,score,category,raw_output,model,version,experiment,variant,premium,currency,error,top_factors,out_of_range_share,confidence,score_low,score_high,category_settled (the 90 % interval of the long-run score from the trips scored, when the model records its sampling noise).", Required = true };
        var reportBad = new Option<FileInfo?>("--report-bad") { Description = "With --input: skip bad records and list them here (record,field,reason,excerpt); without it the first bad record fails the run (exit 3)." };
        var command = new Command("score", "Score driver feature vectors from a CSV, or one driver's events file, with a model package, a model directory and experiment, or the built-in rules model.") { features, model, models, defaultModel, experiment, useDefault, plan, region, ageBand, vehicleClass, periodDays, output, reportBad };
        events.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var modelPath = parse.GetValue(model);
            var modelDirectory = parse.GetValue(models);
            if ((modelPath is null ? 0 : 1) + (modelDirectory is null ? 0 : 1) + (parse.GetValue(useDefault) ? 1 : 0) > 1)
            {
                error.WriteLine("Give at most one of --model, --models and --default.");
                return ExitCodes.Usage;
            }

            // A model directory serves its own model by default, not the built-in rules.
            string? defaultName = null;
            if (modelDirectory is null && parse.GetValue(defaultModel) is not null)
            {
                error.WriteLine($"{Models.CliModelLoading.DefaultModelOption} applies to --models (a model directory).");
                return ExitCodes.Usage;
            }

            if (modelDirectory is not null)
            {
                try
                {
                    defaultName = Models.CliModelLoading.DefaultModelName(modelDirectory.FullName, parse.GetValue(defaultModel));
                }
                catch (ArgumentException e)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.Usage;
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.InputError;
                }
            }

            var window = parse.GetValue(periodDays);
            if (window is < 1 or > 3660)
            {
                error.WriteLine("--period-days must be between 1 and 3660.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(ageBand) is { } band && !RatingFactorCodes.IsAgeBand(band))
            {
                error.WriteLine($"--age-band: '{band}' is not one of {string.Join(", ", RatingFactorCodes.AgeBands)}.");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(vehicleClass) is { } vehicle && !RatingFactorCodes.IsVehicleClass(vehicle))
            {
                error.WriteLine($"--vehicle-class: '{vehicle}' is not one of {string.Join(", ", RatingFactorCodes.VehicleClasses)}.");
                return ExitCodes.Usage;
            }

            ExperimentDefinition? definition = null;
            PricingPlan? pricing = null;
            try
            {
                definition = parse.GetValue(experiment) is { } experimentFile ? ExperimentJson.Load(experimentFile.FullName) : null;
                pricing = parse.GetValue(plan) is { } planFile ? PricingPlanJson.Load(planFile.FullName, TelematicsFeatures.Schema) : null;
            }
            catch (Exception e) when (e is ExperimentDefinitionException or PricingPlanException or IOException)
            {
                error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            if (RatingCellProblem(pricing, parse.GetValue(region), parse.GetValue(ageBand), parse.GetValue(vehicleClass)) is { } cellProblem)
            {
                error.WriteLine(cellProblem);
                return ExitCodes.Usage;
            }

            var featuresFile = parse.GetValue(features);
            if ((featuresFile is null) == (parse.GetValue(events.Input) is null))
            {
                error.WriteLine("Give either --features (feature vectors) or --input (events), exactly one of them.");
                return ExitCodes.Usage;
            }

            var badPath = parse.GetValue(reportBad)?.FullName;
            if (featuresFile is not null && badPath is not null)
            {
                error.WriteLine("--report-bad applies to --input (events); a --features CSV is read whole.");
                return ExitCodes.Usage;
            }

            try
            {
                DistinctPaths.Require(
                    [("--features", featuresFile), ("--input", parse.GetValue(events.Input)), ("--mapping", parse.GetValue(events.Mapping)),
                        ("--imu-mapping", parse.GetValue(events.ImuMapping)), ("--plan", parse.GetValue(plan)), ("--experiment", parse.GetValue(experiment))],
                    [("--output", parse.GetValue(output)), ("--report-bad", parse.GetValue(reportBad))]);
                OutputFile.RequireFolder("--report-bad", parse.GetValue(reportBad));
            }
            catch (ArgumentException e)
            {
                error.WriteLine(e.Message);
                return ExitCodes.Usage;
            }

            List<DriverFeatures> drivers;
            long skippedRecords = 0;
            if (featuresFile is null)
            {
                if (events.TryResolve(parse, error, out var file) is { } refused)
                {
                    return refused;
                }

                var outcome = await EventCommandRunner.RunAsync(file, badPath, onChunk: null, error, cancellationToken);
                if (outcome.Result is null)
                {
                    return outcome.ExitCode;
                }

                skippedRecords = outcome.Result.Reading.RejectedCount;

                parse.InvocationConfiguration.Output.WriteLine(outcome.Result.Summary());
                drivers = [new DriverFeatures(file.DriverId, Features.FeatureTableWriter.DriverVector(outcome.Result)) { ObservedDays = window ?? Features.FeatureTableWriter.SpanDays(outcome.Result) }];
            }
            else
            {
                try
                {
                    drivers = FeatureCsv.Read(featuresFile.FullName, TelematicsFeatures.Schema, error, window);
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
                registry = modelPath is not null
                    ? ModelRegistry.ForPackage(Models.CliModelLoading.LoadPackage(modelPath.FullName))
                    : new ModelRegistry(Models.CliModelLoading.RegistryOptions(modelDirectory?.FullName, defaultName));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ModelPackageException)
            {
                error.WriteLine(e.Message);
                return ExitCodes.InputError;
            }

            using (registry)
            {
                if (defaultName is not null && registry.GetStatus() is { IsReady: false } status)
                {
                    error.WriteLine($"--models: no version of {defaultName} loads: {string.Join("; ", status.LastReloadFailures.Select(f => $"{f.Path}: {f.Message}"))}");
                    return ExitCodes.InputError;
                }

                if (pricing is not null && Pricing.CliPricingPlan.ForModel(pricing, parse.GetValue(plan), registry, error) is null)
                {
                    return ExitCodes.InputError;
                }

                // A driver without trips is refused by the scorer (its vector of zeros is nothing to score) and reported as failed.
                BatchScoreResult result;
                try
                {
                    var options = new BatchScoreOptions { IncludeContributions = true };
                    if (definition is null)
                    {
                        result = await new BatchScorer(new RiskScorer(registry)).ScoreAsync(drivers, options, cancellationToken: cancellationToken);
                    }
                    else
                    {
                        ExperimentScorer scorer;
                        try
                        {
                            scorer = new ExperimentScorer(new RiskScorer(registry), [definition]);
                        }
                        catch (InvalidOperationException e)
                        {
                            // A variant names a model the registry does not serve; the message names each one.
                            error.WriteLine($"{e.Message}{Environment.NewLine}Give --models with a directory that holds those models.");
                            return ExitCodes.InputError;
                        }

                        if (pricing is not null)
                        {
                            // Every served variant's scores are priced by the plan, not only the default model's (as batch-score checks).
                            try
                            {
                                pricing.EnsureFits(definition, scorer);
                            }
                            catch (PricingPlanException e)
                            {
                                error.WriteLine("--plan: " + e.Message);
                                return ExitCodes.InputError;
                            }
                        }

                        result = await scorer.ScoreBatchAsync(drivers, definition.Name, options, cancellationToken: cancellationToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Cancelled;
                }

                var pricingInputs = pricing is null ? null : new ScorePricing(pricing, new RatingCell(parse.GetValue(region), parse.GetValue(ageBand), parse.GetValue(vehicleClass)));
                var unpriced = await ScoreOutputFile.WriteAsync(parse.GetValue(output)!.FullName, drivers, result, pricingInputs);
                var summary = result.Summary;
                var failed = summary.Failures;
                var text = parse.InvocationConfiguration.Output;
                text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored {drivers.Count - failed} of {drivers.Count} drivers, {failed} failed")
                    + (drivers.Count > failed ? string.Create(CultureInfo.InvariantCulture, $"; mean {summary.Mean:F1}, p50 {summary.P50:F1}, p95 {summary.P95:F1}") : string.Empty)
                    + (unpriced > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {unpriced} scored but not priced (see their error)") : string.Empty));
                foreach (var (category, count) in summary.ByCategory)
                {
                    text.WriteLine($"  {category.ToWireName(),-14} {count}");
                }

                var (withInterval, settled) = SettledCount(result.Scores);
                if (withInterval > 0)
                {
                    text.WriteLine($"categories settled by their 90 % interval: {settled} of {withInterval} (the others may move with more driving)");
                }

                if (ConfidenceCounts(result.Scores) is { Graded: > 0 } graded)
                {
                    text.WriteLine($"confidence (inputs inside the model's training ranges): high {graded.High}, medium {graded.Medium}, low {graded.Low}");
                }

                // Records skipped by --report-bad are a partial failure too, as for features and ingest.
                return failed == 0 && unpriced == 0 && skippedRecords == 0 ? ExitCodes.Success : ExitCodes.PartialFailure;
            }
        });
        return command;
    }

    // The score file shows no breakdown, so a region the plan lacks (a typo, FR13 for FR-13) would price every driver at the
    // default base rate without a word; the rating options without a plan would be ignored as silently.
    private static string? RatingCellProblem(PricingPlan? plan, string? region, string? ageBand, string? vehicleClass)
    {
        if (plan is null)
        {
            var given = region is not null ? "--region" : ageBand is not null ? "--age-band" : vehicleClass is not null ? "--vehicle-class" : null;
            return given is null ? null : $"{given} prices with a plan: give --plan too.";
        }

        if (region is not null && plan.RegionBaseRates.Count > 0)
        {
            plan.BaseRateFor(region, out var matched);
            if (!matched)
            {
                return $"--region: '{region}' is not a region of plan {plan.Name} (one of {string.Join(", ", plan.RegionBaseRates.Keys.Order(StringComparer.Ordinal))}); leave it out for the plan's default base rate.";
            }
        }

        return null;
    }

    private static (int WithInterval, int Settled) SettledCount(IReadOnlyList<RiskScore?> scores)
    {
        int withInterval = 0, settled = 0;
        foreach (var score in scores)
        {
            if (score?.Interval is { } interval)
            {
                withInterval++;
                settled += interval.SettlesCategory ? 1 : 0;
            }
        }

        return (withInterval, settled);
    }

    // Scores of models without training ranges (confidence unknown) are not counted.
    private static (int Graded, int High, int Medium, int Low) ConfidenceCounts(IReadOnlyList<RiskScore?> scores)
    {
        int high = 0, medium = 0, low = 0;
        foreach (var score in scores)
        {
            high += score?.Confidence == ScoreConfidence.High ? 1 : 0;
            medium += score?.Confidence == ScoreConfidence.Medium ? 1 : 0;
            low += score?.Confidence == ScoreConfidence.Low ? 1 : 0;
        }

        return (high + medium + low, high, medium, low);
    }
}
