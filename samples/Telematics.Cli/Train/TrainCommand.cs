using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Train;

/// <summary>
/// <c>telematics train [--drivers N --days D --seed S | --features F.csv --labels L.csv] [--folds K] --output DIR [--report FILE.md]</c>:
/// cross-validates the classical GLM, the combined trees and the telematics-only trees, packages the telematics model
/// for Telematics.Scoring and writes a markdown report.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var drivers = new Option<int?>("--drivers") { Description = "Synthetic drivers to simulate (100 to 10,000,000)." };
        var days = new Option<int>("--days") { Description = "Days of driving per synthetic driver (1 to 366).", DefaultValueFactory = _ => 14 };
        var minDays = new Option<int?>("--min-days") { Description = "Shortest observation window: each synthetic driver is observed for a number of days drawn from --min-days to --days (default: all --days)." };
        var minExposure = new Option<double?>("--min-exposure-years") { Description = "Smallest exposure: each synthetic driver's claims cover years drawn from this to --exposure-years (default: all --exposure-years)." };
        var holdoutDrivers = new Option<int?>("--holdout-drivers") { Description = "Also score the final models on a fresh synthetic population of this many drivers (another seed) and report it." };
        var holdoutDays = new Option<int?>("--holdout-days") { Description = "Observation window of the holdout drivers, days (default --days); every holdout driver is observed this long." };
        var holdoutSeed = new Option<ulong?>("--holdout-seed") { Description = "Seed of the holdout population (default --seed + 1)." };
        var requireChecks = new Option<bool>("--require-holdout-checks") { Description = "Write no package (exit 3) unless the packaged model beats the constant rate and the classical GLM on the holdout, reaches 85 % of the oracle's normalised Gini and predicts the observed claims within ±5 %." };
        var stabilityDrivers = new Option<int?>("--stability-drivers") { Description = "Also simulate this many drivers of another population (seed --seed + 2) over 7, 14, 30, 60 and 90 days and report how the packaged model's score moves with the window and the empirical credibility curve (synthetic training only)." };
        var cvSeeds = new Option<int>("--cv-seeds") { Description = "Cross-validate this many times with seeds --seed, --seed + 1, … for the folds and trainers, and report the spread (1 to 10).", DefaultValueFactory = _ => 1 };
        var exclude = new Option<string[]>("--exclude-features") { Description = "Features the packaged GLM may not rate on, comma-separated (where a jurisdiction prohibits them; see docs/training/fairness.md). Needs observed_days in --features files: the trees packaged without it would read them anyway, so that is refused.", AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))] };
        var allowNonMonotone = new Option<bool>("--allow-non-monotone-model") { Description = "Package the telematics@1 trees when --features has no observed_days column: they declare no monotone directions, so a score may fall as a risk feature rises. Without it such a run is refused (exit 2)." };
        var exposure = new Option<double>("--exposure-years") { Description = "Years of claims drawn per synthetic driver (0.01 to 50).", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the population, the folds and the trainers.", DefaultValueFactory = _ => 20261128 };
        var features = new Option<FileInfo?>("--features") { Description = "Feature CSV: driver_id [, observed_days] + telematics@1 columns (as `telematics synth` writes features.csv), or the driver rows of what `telematics features` writes." };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels CSV: driver_id, exposure_years, claims [, true_lambda] [, age_band, region, vehicle_class, annual_km]." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds (2 to 20).", DefaultValueFactory = _ => 5 };
        var output = new Option<DirectoryInfo>("--output") { Description = "Model directory: the package goes to DIR/<name>/<version>/.", Required = true };
        var report = new Option<FileInfo?>("--report") { Description = "Markdown report to write (a Lorenz chart PNG is written beside it, and with classical factors the pricing-plan fragment FILE.plan.json: classical relativities and cell means)." };
        var name = new Option<string>("--name") { Description = "Package name.", DefaultValueFactory = _ => "telematics-frequency" };
        var version = new Option<string>("--version") { Description = "Package version.", DefaultValueFactory = _ => "1" };
        var trees = new Option<int>("--trees") { Description = "Boosting rounds of the tree models.", DefaultValueFactory = _ => new TrainingOptions().Trees };
        var threads = new Option<int?>("--threads") { Description = "Threads for simulation and training, at least 1 (default: one per core)." };
        var command = new Command("train", "Cross-validate claim-frequency models, package the telematics model as ONNX and write a report.")
        {
            exclude, allowNonMonotone, drivers, days, minDays, exposure, minExposure, seed, holdoutDrivers, holdoutDays, holdoutSeed, requireChecks, stabilityDrivers, cvSeeds, features, labels, folds, output, report, name, version, trees, threads,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var synthetic = parse.GetValue(drivers) is not null;
            var fromFiles = parse.GetValue(features) is not null || parse.GetValue(labels) is not null;
            if (synthetic == fromFiles || (fromFiles && (parse.GetValue(features) is null || parse.GetValue(labels) is null)))
            {
                error.WriteLine("Give either --drivers (synthetic data) or both --features and --labels.");
                return Task.FromResult(ExitCodes.Usage);
            }

            var settings = new TrainSettings
            {
                Population = synthetic
                    ? new SyntheticPopulationOptions { DriverCount = parse.GetValue(drivers)!.Value, PeriodDays = parse.GetValue(days), MinPeriodDays = parse.GetValue(minDays), ExposureYears = parse.GetValue(exposure), MinExposureYears = parse.GetValue(minExposure), Seed = parse.GetValue(seed) }
                    : null,
                Holdout = parse.GetValue(holdoutDrivers) is { } holdoutCount
                    ? new SyntheticPopulationOptions
                    {
                        DriverCount = holdoutCount,
                        PeriodDays = parse.GetValue(holdoutDays) ?? parse.GetValue(days),
                        ExposureYears = parse.GetValue(exposure),
                        Seed = parse.GetValue(holdoutSeed) ?? (parse.GetValue(seed) + 1),
                    }
                    : null,
                RequireHoldoutChecks = parse.GetValue(requireChecks),
                AllowNonMonotoneModel = parse.GetValue(allowNonMonotone),
                Stability = parse.GetValue(stabilityDrivers) is { } stabilityCount
                    ? new SyntheticPopulationOptions { DriverCount = stabilityCount, PeriodDays = WindowStability.DefaultWindows[^1], ExposureYears = parse.GetValue(exposure), Seed = parse.GetValue(seed) + 2 }
                    : null,
                CvSeeds = parse.GetValue(cvSeeds),
                FeaturesFile = parse.GetValue(features)?.FullName,
                LabelsFile = parse.GetValue(labels)?.FullName,
                Training = new TrainingOptions { ExcludedFeatures = parse.GetValue(exclude) ?? [], Folds = parse.GetValue(folds), Seed = parse.GetValue(seed), Trees = parse.GetValue(trees), Threads = parse.GetValue(threads) },
                OutputDirectory = parse.GetValue(output)!.FullName,
                ReportFile = parse.GetValue(report)?.FullName,
                Name = parse.GetValue(name)!,
                Version = parse.GetValue(version)!,
                Command = "telematics " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
            };
            try
            {
                settings.Population?.Validate();
                settings.Holdout?.Validate();
                if (settings.RequireHoldoutChecks && settings.Holdout is null)
                {
                    throw new ValidationException("--require-holdout-checks needs --holdout-drivers.");
                }

                // Refused rather than ignored: a user who sets them expects them to shape what is trained.
                if (fromFiles && Given(parse, days, minDays, exposure, minExposure) is { } simulated)
                {
                    throw new ValidationException($"{simulated} shapes the synthetic population (--drivers); training from --features and --labels reads the files' own windows and exposures.");
                }

                if (settings.Holdout is null && Given(parse, holdoutDays, holdoutSeed) is { } holdoutOption)
                {
                    throw new ValidationException($"{holdoutOption} shapes the holdout population: give --holdout-drivers too.");
                }

                // A synthetic driver is its seed and its index: a holdout of the training (or stability) seed holds the
                // very drivers the model was fitted on, and its checks would pass on them.
                if (settings.Holdout is { } fresh && settings.Population is { } trained
                    && (fresh.Seed == trained.Seed || (settings.Stability is { } stable && fresh.Seed == stable.Seed)))
                {
                    throw new ValidationException(string.Create(CultureInfo.InvariantCulture,
                        $"--holdout-seed {fresh.Seed} is the seed of the {(fresh.Seed == trained.Seed ? "training" : "window-stability")} population: a fresh holdout needs another seed."));
                }

                if (settings.Holdout is not null && settings.Population is null)
                {
                    throw new ValidationException("--holdout-drivers applies to synthetic training (--drivers): a holdout of another generator's seed.");
                }

                settings.Stability?.Validate();
                if (settings.Stability is not null && settings.Population is null)
                {
                    throw new ValidationException("--stability-drivers applies to synthetic training (--drivers).");
                }

                if (settings.Stability is { DriverCount: < 100 })
                {
                    throw new ValidationException("--stability-drivers must be at least 100.");
                }

                if (settings.CvSeeds is < 1 or > 10)
                {
                    throw new ValidationException("--cv-seeds must be 1 to 10.");
                }

                // 0 or less reached Parallel.For and ML.NET, whose own refusal read as an input error (exit 3).
                if (settings.Training.Threads is < 1)
                {
                    throw new ValidationException("--threads must be at least 1.");
                }

                if (settings.Population is { DriverCount: < 100 })
                {
                    throw new ValidationException("--drivers must be at least 100.");
                }

                settings.Training.Validate();
            }
            catch (ValidationException e)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.Usage);
            }

            try
            {
                var summary = TrainRun.Run(settings, cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine(summary);
                return Task.FromResult(ExitCodes.Success);
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Cancelled);
            }
            catch (ValidationException e)
            {
                // Options that the input files turn out not to support (--exclude-features without observed_days), or
                // files that would package a model without monotone directions, unless --allow-non-monotone-model.
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.Usage);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine(e.Message);
                return Task.FromResult(ExitCodes.InputError);
            }
        });
        return command;
    }

    // The first of the options the command line gave itself (not by default), or null.
    private static string? Given(ParseResult parse, params Option[] options)
    {
        foreach (var option in options)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                return option.Name;
            }
        }

        return null;
    }
}

/// <summary>Everything a <c>train</c> run needs, parsed and checked.</summary>
internal sealed class TrainSettings
{
    public SyntheticPopulationOptions? Population { get; init; }

    public SyntheticPopulationOptions? Holdout { get; init; }

    public bool RequireHoldoutChecks { get; init; }

    public bool AllowNonMonotoneModel { get; init; }

    public SyntheticPopulationOptions? Stability { get; init; }

    public int CvSeeds { get; init; } = 1;

    public string? FeaturesFile { get; init; }

    public string? LabelsFile { get; init; }

    public required TrainingOptions Training { get; init; }

    public required string OutputDirectory { get; init; }

    public string? ReportFile { get; init; }

    public required string Name { get; init; }

    public required string Version { get; init; }

    public required string Command { get; init; }
}
