using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Telematics.Cli.Output;
using Telematics.Cli.Score;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;
using Telematics.Training.Evaluation;
using Telematics.Training.Modeling;
using Telematics.Training.Packaging;
using Telematics.Training.Pricing;
using Telematics.Training.Reporting;

namespace Telematics.Cli.Train;

/// <summary>One <c>train</c> run: data, cross-validation, final fits, package, report; progress on stderr.</summary>
internal static class TrainRun
{
    public static string Run(TrainSettings settings, CancellationToken cancellationToken)
    {
        if (!Console.IsErrorRedirected)
        {
            string? summary = null;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            console.Progress().Start(context => summary = Execute(settings, (stage, total) =>
            {
                var task = context.AddTask(stage, maxValue: Math.Max(1, total));
                return done => task.Value = done;
            }, cancellationToken));
            return summary!;
        }

        return Execute(settings, (stage, _) =>
        {
            Console.Error.WriteLine(stage);
            return _ => { };
        }, cancellationToken);
    }

    /// <param name="stage">Starts a stage with a number of steps; returns the callback that reports steps done.</param>
    internal static string Execute(TrainSettings settings, Func<string, int, Action<int>> stage, CancellationToken cancellationToken)
    {
        var timings = new List<(string, TimeSpan)>();
        var loadBefore = LoadAverage();
        var clock = Stopwatch.StartNew();
        TrainingDataset data;
        string description;
        if (settings.Population is { } population)
        {
            var window = population.MinPeriodDays is { } minDays ? $"{minDays}–{population.PeriodDays}" : $"{population.PeriodDays}";
            var years = population.MinExposureYears is { } minYears ? $"{minYears}–{population.ExposureYears}" : $"{population.ExposureYears}";
            var report = stage($"simulate {population.DriverCount:N0} drivers × {window} days, features", population.DriverCount);
            data = SyntheticDatasetBuilder.Build(population, settings.Training.Threads ?? -1, new Progress(report), cancellationToken);
            description = string.Create(CultureInfo.InvariantCulture,
                $"synthetic (Telematics.Training.Synthetic): {population.DriverCount:N0} drivers × {window} days of 1 Hz samples → telematics@1 and @2 features; claims over {years} year; seed {population.Seed}");
            timings.Add(("synthetic population + features", clock.Elapsed));
        }
        else
        {
            var report = stage("read features and labels", 1);
            var read = FeatureCsv.ReadRows(settings.FeaturesFile!, TelematicsFeatures.Schema, Console.Error, defaultObservedDays: null);
            RefuseDuplicates(settings.FeaturesFile!, read);
            var rows = read.ConvertAll(row => (row.Driver.DriverId, row.Driver.Features.ToArray()));
            var windows = ObservedDays(settings.FeaturesFile!, read);
            // Only the GLM leaves excluded features out; without windows the telematics@1 trees would be packaged, and
            // they read every input (the data-quality columns too), so the switch would be silently ignored.
            if (windows is null && settings.Training.ExcludedFeatures.Count > 0)
            {
                throw new ValidationException(
                    $"--exclude-features cannot be honoured: {settings.FeaturesFile} has no '{FeatureCsv.ObservedDaysColumn}' column, so the telematics@1 trees would be packaged, and they read every feature, the excluded ones too. Give every driver its observed_days (the window-invariant GLM, which leaves them out, is then packaged), or train without --exclude-features.");
            }

            data = LabelsFile.Join(settings.LabelsFile!, rows, windows);
            report(1);
            description = $"files: features {Path.GetFileName(settings.FeaturesFile)}, labels {Path.GetFileName(settings.LabelsFile)}";
            timings.Add(("read files", clock.Elapsed));
        }

        // The trees' manifest declares no monotone directions, so nothing keeps a score from falling as speeding rises;
        // packaging them takes a deliberate choice, made before the expensive part of the run.
        if (Packaged(data) == FrequencyModelKind.TreesTelematics && !settings.AllowNonMonotoneModel)
        {
            throw new ValidationException(
                $"{settings.FeaturesFile}: no '{FeatureCsv.ObservedDaysColumn}' column, so the telematics@1 trees would be packaged, and they declare no monotone directions (a score could fall as a risk feature rises). Give every driver its observed_days (the monotone GLM is then packaged), or pass --allow-non-monotone-model to package the unconstrained trees.");
        }

        clock.Restart();
        var kinds = FrequencyModelKinds.All.Count(k => Applies(k, data));
        var cvReport = stage($"{settings.Training.Folds}-fold cross-validation of {kinds} models", settings.Training.Folds * kinds);
        var cv = CrossValidator.Run(data, settings.Training, new Progress<TrainingProgress>(p => cvReport(p.Done)), cancellationToken);
        cvReport(settings.Training.Folds * kinds);
        timings.Add(("cross-validation", clock.Elapsed));
        var seedRuns = new List<(ulong, CrossValidationResult)> { (settings.Training.Seed, cv) };
        if (settings.CvSeeds > 1)
        {
            clock.Restart();
            var seedsReport = stage($"cross-validation with {settings.CvSeeds - 1} more seeds", (settings.CvSeeds - 1) * settings.Training.Folds * kinds);
            for (var k = 1; k < settings.CvSeeds; k++)
            {
                var options = settings.Training.WithSeed(settings.Training.Seed + (ulong)k);
                var offset = (k - 1) * settings.Training.Folds * kinds;
                seedRuns.Add((options.Seed, CrossValidator.Run(data, options, new Progress<TrainingProgress>(p => seedsReport(offset + p.Done)), cancellationToken)));
            }

            timings.Add(("cross-validation, other seeds", clock.Elapsed));
        }

        clock.Restart();
        var finalReport = stage("final models on all drivers, ONNX package", kinds + 1);
        var all = Enumerable.Range(0, data.Count).ToList();
        var importance = new Dictionary<string, IReadOnlyList<(string, double)>>();
        FrequencyModel? telematics = null;
        var finalModels = new List<FrequencyModel>();
        var done = 0;
        foreach (var kind in FrequencyModelKinds.All)
        {
            if (!Applies(kind, data))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var model = FrequencyModel.Fit(data, kind, all, settings.Training, CrossValidator.TrainerSeed(settings.Training.Seed, settings.Training.Folds));
            importance[kind.Name()] = model.Importance();
            telematics = kind == Packaged(data) ? model : telematics;
            finalModels.Add(model);
            finalReport(++done);
        }

        HoldoutEvaluation? holdout = null;
        TrainingDataset? holdoutData = null;
        if (settings.Holdout is { } holdoutPopulation)
        {
            timings.Add(("final fits", clock.Elapsed));
            clock.Restart();
            var holdoutReport = stage($"fresh holdout: simulate {holdoutPopulation.DriverCount:N0} drivers (seed {holdoutPopulation.Seed}), score", holdoutPopulation.DriverCount);
            holdoutData = SyntheticDatasetBuilder.Build(holdoutPopulation, settings.Training.Threads ?? -1, new Progress(holdoutReport), cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            holdout = HoldoutEvaluation.Evaluate(finalModels, holdoutData, data.ClaimRate());
            timings.Add(("fresh holdout", clock.Elapsed));
            clock.Restart();
            var failures = holdout.Failures(Packaged(data));
            if (settings.RequireHoldoutChecks && failures.Count > 0)
            {
                throw new InvalidOperationException($"The {Packaged(data).Name()} model fails the holdout checks, so no package is written:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", failures)}");
            }
        }

        WindowStability? stability = null;
        if (settings.Stability is { } stabilityPopulation)
        {
            if (holdout is null)
            {
                timings.Add(("final fits", clock.Elapsed));
            }

            clock.Restart();
            var windows = WindowStability.DefaultWindows;
            var stabilityReport = stage($"window stability: {stabilityPopulation.DriverCount:N0} drivers (seed {stabilityPopulation.Seed}) over {string.Join(", ", windows)} days", stabilityPopulation.DriverCount * windows.Count);
            stability = WindowStability.Evaluate(telematics!, data, stabilityPopulation, windows, settings.Training.Threads ?? -1, new Progress(stabilityReport), cancellationToken);
            timings.Add(("window stability", clock.Elapsed));
            clock.Restart();
        }

        // Exported and checked now, written last: a package in the model directory is one whose report and plan fragment
        // were written, and a run that fails or is cancelled before then leaves the version already there untouched.
        // The ML.NET trainers take no token (MLContext.CancelExecution is internal to Microsoft.ML 5): a cancel during the
        // last fit or the holdout is honoured here, before the export and every write.
        cancellationToken.ThrowIfCancellationRequested();
        var prepared = OnnxPackageWriter.Prepare(
            new PackageRequest
            {
                Name = settings.Name,
                Version = settings.Version,
                Model = telematics!,
                Evaluation = cv.Find(Packaged(data).Name())!,
                Oracle = cv.Find(CrossValidator.OracleName),
                SamplingNoise = stability?.SamplingNoise,
                Training = new Dictionary<string, string>
                {
                    ["data"] = description,
                    ["drivers"] = data.Count.ToString(CultureInfo.InvariantCulture),
                    ["folds"] = settings.Training.Folds.ToString(CultureInfo.InvariantCulture),
                    ["seed"] = settings.Training.Seed.ToString(CultureInfo.InvariantCulture),
                    [telematics!.Glm is null ? "trees" : "terms"] = telematics.Glm is { } glm
                        ? string.Join(", ", glm.Terms.Select(t => t.Factor.Feature))
                        : string.Create(CultureInfo.InvariantCulture, $"{settings.Training.Trees} rounds, {settings.Training.Leaves} leaves, learning rate {settings.Training.LearningRate}, ≥ {settings.Training.MinDriversPerLeaf} drivers per leaf"),
                    ["command"] = settings.Command,
                },
            },
            data,
            settings.OutputDirectory);
        var package = prepared.Result;
        finalReport(++done);
        // With a holdout or a stability check the final fits were timed on their own row.
        timings.Add((settings.Holdout is null && settings.Stability is null ? "final fits + ONNX export + checks" : "ONNX export + checks", clock.Elapsed));

        long claims = 0;
        double exposure = 0;
        for (var i = 0; i < data.Count; i++)
        {
            claims += data.Claims[i];
            exposure += data.ExposureYears[i];
        }

        var telematicsEval = cv.Find(Packaged(data).Name())!;
        var oracle = cv.Find(CrossValidator.OracleName);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"wrote {package.Folder}; {Packaged(data).Name()} out-of-fold normalised Gini {telematicsEval.NormalisedGini:F4}{(oracle is null ? "" : $" ({telematicsEval.NormalisedGini / oracle.NormalisedGini:P1} of the oracle's {oracle.NormalisedGini:F4})")}, deviance {telematicsEval.MeanDeviance:F5}");
        if (settings.ReportFile is null)
        {
            Commit(prepared, cancellationToken);
            return summary;
        }

        string? chart = null, note = null;
        var chartPath = Path.ChangeExtension(settings.ReportFile, ".lorenz.png");
        var predictions = cv.OutOfFoldFrequency.Select(p => (p.Key.Name(), p.Value)).ToList();
        if (data.HasTrueFrequency)
        {
            predictions.Add((CrossValidator.OracleName, data.TrueAnnualFrequency.ToArray()));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(settings.ReportFile)!);
        note = LorenzChart.TryWrite(chartPath, LorenzChart.Curves(predictions, data.ExposureYears, data.Claims));
        chart = note is null ? Path.GetFileName(chartPath) : null;
        var holdoutChartPath = Path.ChangeExtension(settings.ReportFile, ".holdout.png");
        var holdoutChart = holdout is not null && HoldoutChart.TryWrite(holdoutChartPath, holdout) is null ? Path.GetFileName(holdoutChartPath) : null;
        var stabilityChartPath = Path.ChangeExtension(settings.ReportFile, ".credibility.png");
        var stabilityChart = stability is not null && CredibilityChart.TryWrite(stabilityChartPath, stability) is null ? Path.GetFileName(stabilityChartPath) : null;
        // What a plan needs beside the model: classical relativities and cell means from the packaged model's out-of-fold λ.
        ClassicalRelativityFit? classical = null;
        string? fragment = null;
        if (data.HasClassicalFactors && cv.OutOfFoldFrequency.TryGetValue(Packaged(data), out var oof))
        {
            classical = ClassicalRelativityFit.Fit(data, oof);
            var fragmentPath = Path.ChangeExtension(settings.ReportFile, ".plan.json");
            cancellationToken.ThrowIfCancellationRequested();
            OutputFile.WriteAllText(fragmentPath, classical.ToPlanFragment() + Environment.NewLine);
            fragment = Path.GetFileName(fragmentPath);
        }

        // The same cell means and relativities on the fresh drivers, priced with the packaged model's λ as a plan would.
        var holdoutClassical = classical is not null && holdoutData is { HasClassicalFactors: true }
            ? ClassicalHoldout.Balance(classical, holdoutData, telematics!.Predict(holdoutData, [.. Enumerable.Range(0, holdoutData.Count)]))
            : [];

        var markdown = new TrainingReport
        {
            SeedRuns = seedRuns,
            Stability = stability,
            StabilityChartFile = stabilityChart,
            Command = settings.Command,
            Data = description,
            Totals = (data.Count, claims, exposure),
            CrossValidation = cv,
            Importance = importance,
            Package = package,
            Glm = telematics?.Glm,
            Intervals = [.. cv.OutOfFoldFrequency.Select(p => BootstrapIntervals.Compute(
                p.Key.Name(), p.Value, data.HasTrueFrequency ? data.TrueAnnualFrequency : [], data.ExposureYears, data.Claims, [.. cv.NullFrequency], settings.Training.Seed))],
            Classical = classical,
            PlanFragmentFile = fragment,
            Fairness = data.HasClassicalFactors && cv.OutOfFoldFrequency.TryGetValue(Packaged(data), out var packagedOof) ? GroupDistribution.Compute(data, packagedOof) : [],
            Holdout = holdout,
            HoldoutChartFile = holdoutChart,
            HoldoutData = settings.Holdout is { } h ? Describe(h) : null,
            HoldoutClassicalBalance = holdoutClassical,
            ChartFile = chart,
            ChartNote = note,
            Timings = timings,
            Machine = string.Create(CultureInfo.InvariantCulture,
                $"{Environment.ProcessorCount} cores; load average (1, 5, 15 min) before the run {loadBefore}, after {LoadAverage()}."),
        }.ToMarkdown();
        cancellationToken.ThrowIfCancellationRequested();
        OutputFile.WriteAllText(settings.ReportFile, markdown);
        Commit(prepared, cancellationToken);
        return summary + Environment.NewLine + "report: " + settings.ReportFile
            + (fragment is null ? "" : Environment.NewLine + "pricing-plan fragment: " + Path.Combine(Path.GetDirectoryName(settings.ReportFile)!, fragment));
    }

    // The last step of a run: after it the registry serves the new version.
    private static void Commit(PreparedPackage package, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        package.Commit();
    }

    private static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]}, {parts[1]}, {parts[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    // A driver on two rows could land in a training fold and its test fold, and would weigh twice in the final fit.
    private static void RefuseDuplicates(string path, List<FeatureRow> rows)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!first.TryAdd(row.Driver.DriverId, row.Line))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{path} line {row.Line}, column 'driver_id': driver '{row.Driver.DriverId}' appears again (first on line {first[row.Driver.DriverId]}); give each driver one row."));
            }
        }
    }

    /// <summary>
    /// Each driver's window when every row gives one (the window-invariant GLM is then trained), null when none does (the
    /// telematics@1 trees); a file giving only some would train a model on windows it partly made up, so it is refused.
    /// </summary>
    private static double[]? ObservedDays(string path, List<FeatureRow> rows)
    {
        var known = rows.Count(r => r.Driver.ObservedDays is not null);
        if (known == 0)
        {
            return null;
        }

        if (known < rows.Count)
        {
            var missing = rows.First(r => r.Driver.ObservedDays is null);
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path} line {missing.Line}, column '{FeatureCsv.ObservedDaysColumn}': driver '{missing.Driver.DriverId}' has no observation window while {known} of {rows.Count} drivers have one; give every driver its days, or leave the column out to train the telematics@1 trees."));
        }

        return [.. rows.Select(r => r.Driver.ObservedDays!.Value)];
    }

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    // The window-invariant GLM when the drivers' observation windows are known, else the telematics@1 trees.
    private static FrequencyModelKind Packaged(TrainingDataset data) =>
        data.HasObservedDays ? FrequencyModelKind.GlmTelematics : FrequencyModelKind.TreesTelematics;

    private static string Describe(Telematics.Training.Synthetic.SyntheticPopulationOptions p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.DriverCount:N0} drivers × {(p.MinPeriodDays is { } min ? $"{min}–" : "")}{p.PeriodDays} days, claims over {(p.MinExposureYears is { } y ? $"{y}–" : "")}{p.ExposureYears} year, seed {p.Seed}");

    private static bool Applies(FrequencyModelKind kind, TrainingDataset data) =>
        (!kind.NeedsClassicalFactors() || data.HasClassicalFactors) && (!kind.NeedsObservedDays() || data.HasObservedDays);
}
