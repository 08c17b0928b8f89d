using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

using Npgsql;

using Spectre.Console;

using Telematics.Cli.Hosting;
using Telematics.Cli.Models;
using Telematics.Cli.Partitions;
using Telematics.Cli.Pricing;
using Telematics.Features.Schema;
using Telematics.Scoring.Batch;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Service.DependencyInjection;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Cli.BatchScore;

/// <summary>
/// <c>telematics batch-score [--all | --drivers 1,2,3] [--period-days N] [--period-end YYYY-MM-DD] [--run-id ID] [--chunk N] [--writers N] [--models DIR [--default-model NAME] | --shipped-model]
/// [--experiment FILE]</c>: scores drivers from their stored trip features over the last N whole UTC days and stores scores and
/// premiums, chunk by chunk; in an experiment each driver is served by the variant its id hashes to, and the shadow variants'
/// scores are stored beside. A run id is idempotent: a finished run writes nothing again, an interrupted one resumes after
/// its last committed chunk; either exits by the run's stored failures, those of earlier calls included.
/// </summary>
internal static class BatchScoreCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Score every driver in the database." };
        var drivers = new Option<string?>("--drivers") { Description = "Score these drivers only: comma-separated ids, e.g. 1,2,3." };
        var periodDays = new Option<int>("--period-days") { Description = "Days of trips scored, ending at today 00:00 UTC or at --period-end (1–365).", DefaultValueFactory = _ => 30 };
        var periodEnd = new Option<DateOnly?>("--period-end") { Description = "A UTC date, not after today, at whose 00:00 the period ends instead: a past policy year (YYYY-MM-DD)." };
        var runId = new Option<string?>("--run-id") { Description = "Run id (letters, digits, . _ : -). Default: derived from the selection, the period, today's date, the served model and plan, and the experiment, so a second run the same day with the same settings writes nothing." };
        var chunk = new Option<int>("--chunk") { Description = "Drivers per chunk; each chunk is one transaction (1–100000).", DefaultValueFactory = _ => 1000 };
        var writers = new Option<int>("--writers") { Description = "Chunks written at once, each on its own connection, still committed in order (1–8); more than 1 pays when the database server has cores to spare.", DefaultValueFactory = _ => 1 };
        var plan = CliPricingPlan.Option("Pricing plan JSON", byModel: true);
        var models = new Option<DirectoryInfo?>("--models") { Description = "Model directory (<dir>/<name>/<version>/): drivers are scored with its model at its champion alias (else its highest version). Default: the built-in rules model." };
        var defaultModel = CliModelLoading.DefaultModel();
        var shipped = new Option<bool>("--shipped-model") { Description = "Serve the trained model shipped with the SDK (telematics-frequency, ONNX, exact TreeSHAP contributions) instead of the built-in rules model." };
        var experiment = new Option<FileInfo?>("--experiment") { Description = "An experiment JSON (docs/experiments, as PUT /experiments takes): each driver is served by the variant its id hashes to, and shadow variants are scored and stored beside it." };
        var command = new Command("batch-score", "Score drivers from stored trip features and store their scores and premiums; resumable per run id.")
        {
            all, drivers, periodDays, periodEnd, runId, chunk, writers, plan, models, defaultModel, shipped, experiment,
        };
        command.Options.Add(StorageCommandContext.Connection);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            long[]? selected;
            try
            {
                selected = BatchRunIdentity.Selection(parse.GetValue(all), parse.GetValue(drivers));
                CheckRange("--period-days", parse.GetValue(periodDays), 1, 365);
                if (parse.GetValue(periodEnd) is { } end && end > DateOnly.FromDateTime(DateTime.UtcNow))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--period-end: {end:yyyy-MM-dd} is after today (UTC); leave it out to end the period today."));
                }
                CheckRange("--chunk", parse.GetValue(chunk), 1, 100_000);
                CheckRange("--writers", parse.GetValue(writers), 1, ScoringRunner.MaxWriters);
                if (parse.GetValue(shipped) && parse.GetValue(models) is not null)
                {
                    throw new ArgumentException("Give at most one of --models and --shipped-model.");
                }

                if (parse.GetValue(models) is null && parse.GetValue(defaultModel) is not null)
                {
                    throw new ArgumentException($"{CliModelLoading.DefaultModelOption} applies to --models (a model directory).");
                }
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return ExitCodes.Usage;
            }

            // A model directory serves its own model by default, not the built-in rules.
            var modelDirectory = parse.GetValue(models)?.FullName;
            string? defaultName = null;
            try
            {
                defaultName = modelDirectory is null ? null : CliModelLoading.DefaultModelName(modelDirectory, parse.GetValue(defaultModel));
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message);
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync(e.Message);
                return ExitCodes.InputError;
            }

            if (await CliPricingPlan.TryLoadAsync(parse.GetValue(plan), error) is not { } loadedPlan)
            {
                return ExitCodes.InputError;
            }

            ExperimentDefinition? definition;
            try
            {
                definition = parse.GetValue(experiment) is { } file ? ExperimentJson.Load(file.FullName) : null;
            }
            catch (Exception e) when (e is ExperimentDefinitionException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync("--experiment: " + e.Message);
                return ExitCodes.InputError;
            }

            var days = parse.GetValue(periodDays);
            var to = new DateTimeOffset((parse.GetValue(periodEnd) ?? DateOnly.FromDateTime(DateTime.UtcNow)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var from = to.AddDays(-days);
            var selection = BatchRunIdentity.DriverSelection(selected);
            var givenId = parse.GetValue(runId);
            if (givenId is not null && !ScoringRunRepository.IsValidRunId(givenId))
            {
                await error.WriteLineAsync($"--run-id: '{givenId}' is invalid; use 1–100 letters, digits and . _ : -, starting with a letter or digit.");
                return ExitCodes.Usage;
            }

            if (await StorageCommandContext.ConnectionStringAsync(parse, error) is not { } connectionString)
            {
                return ExitCodes.Usage;
            }

            var planFile = parse.GetValue(plan);
            var useShipped = parse.GetValue(shipped);
            using var host = CliHost.Create(connectionString, telematics => Configure(telematics, useShipped, modelDirectory, defaultName, definition, parse.GetValue(writers))
                .UsePricingPlan(provider => CliPricingPlan.FitToModel(loadedPlan, planFile, provider.GetRequiredService<ModelRegistry>())));
            ScoringRunner runner;
            string settings;
            try
            {
                if (defaultName is not null && host.Services.GetRequiredService<ModelRegistry>().GetStatus() is { IsReady: false } status)
                {
                    await error.WriteLineAsync($"--models: no version of {defaultName} loads: {string.Join("; ", status.LastReloadFailures.Select(f => $"{f.Path}: {f.Message}"))}");
                    return ExitCodes.InputError;
                }

                // The plan first: one that does not fit the served model is refused before anything is read.
                var servedPlan = host.Services.GetRequiredService<StoredDriverScorer>().Plan;
                runner = host.Services.GetRequiredService<ScoringRunner>();
                if (definition is not null)
                {
                    // Each served variant's scores are priced by the same plan.
                    servedPlan.EnsureFits(definition, host.Services.GetRequiredService<ExperimentScorer>());
                }

                settings = BatchRunIdentity.Settings(host.Services.GetRequiredService<ModelRegistry>(), servedPlan, planFile);
            }
            catch (Exception e) when (e is PricingPlanException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync("--plan: " + e.Message);
                return ExitCodes.InputError;
            }
            catch (OptionsValidationException e) when (e.OptionsType == typeof(ModelRegistryOptions))
            {
                await error.WriteLineAsync("--models: " + string.Join(" ", e.Failures));
                return ExitCodes.InputError;
            }
            catch (OptionsValidationException e)
            {
                // The experiment's options: a variant names a model the registry does not serve; the message names each one.
                await error.WriteLineAsync($"--experiment: {string.Join(" ", e.Failures)}{Environment.NewLine}Give --models with a directory that holds those models.");
                return ExitCodes.InputError;
            }

            var id = givenId ?? BatchRunIdentity.DefaultRunId(selection, days, to, definition?.Name, settings);
            // A run scores in one experiment or in none, with one model and plan: resuming it with others is refused like
            // another selection, rather than mix two models' or plans' results in one run.
            selection += (definition is null ? "" : " experiment:" + definition.Name) + " " + settings;
            var runs = host.Services.GetRequiredService<IScoringRunStore>();
            return await StorageCommandContext.RunAsync(
                parse,
                (output, ct) => RunAsync(runner, runs, definition?.Name, output, error, id, selection, selected, from, to, parse.GetValue(chunk), ct),
                cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// Builds the runner the command uses through <c>AddTelematics</c>, on the caller's data source and registry; tests call it
    /// directly to interrupt a run between chunks.
    /// </summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="registry">The models served.</param>
    /// <param name="plan">The pricing plan.</param>
    /// <param name="writers">Chunks written at once (<see cref="ScoringRunner.Writers"/>).</param>
    /// <returns>The host (dispose it when done; the data source and registry stay the caller's), the runner and the run store.</returns>
    internal static (IHost Host, ScoringRunner Runner, IScoringRunStore Runs) CreateRunner(NpgsqlDataSource dataSource, ModelRegistry registry, PricingPlan plan, int writers = 1)
    {
        var host = CliHost.Create(
            connectionString: null,
            telematics => telematics.UsePricingPlan(plan).WithRunWriters(writers),
            services => services.AddSingleton(dataSource).AddSingleton(registry));
        return (host, host.Services.GetRequiredService<ScoringRunner>(), host.Services.GetRequiredService<IScoringRunStore>());
    }

    // The models served (the shipped one, a directory and its default model, or the built-in rules model), every package
    // kind's loader, and the experiment.
    private static TelematicsBuilder Configure(TelematicsBuilder telematics, bool shipped, string? modelDirectory, string? defaultModel, ExperimentDefinition? experiment, int writers) =>
        telematics
            .ConfigureScoring(scoring =>
            {
                scoring.WatchForChanges(false);
                if (shipped)
                {
                    scoring.UseShippedModel();
                }
                else if (modelDirectory is not null)
                {
                    scoring.UseModelDirectory(modelDirectory);
                    if (defaultModel is not null)
                    {
                        scoring.UseDefaultModel(defaultModel);
                    }
                }

                scoring.ConfigureRegistry(static options =>
                {
                    foreach (var loader in CliModelLoading.Loaders)
                    {
                        options.ModelLoaders.Add(loader);
                    }
                });
                if (experiment is not null)
                {
                    scoring.UseExperiment(experiment);
                }
            })
            .ScoreInExperiment(_ => experiment?.Name)
            .WithRunWriters(writers);

    private static async Task<int> RunAsync(
        ScoringRunner runner, IScoringRunStore runs, string? experiment, TextWriter output, TextWriter error,
        string runId, string selection, long[]? selected, DateTimeOffset from, DateTimeOffset to, int chunkSize, CancellationToken cancellationToken)
    {
        var run = await runs.StartOrGetAsync(runId, selection, from, to, cancellationToken);
        if (run.Selection != selection || run.PeriodStart != from || run.PeriodEnd != to)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"--run-id: run {runId} was started for {BatchRunIdentity.Describe(run.Selection)} over {run.PeriodStart:yyyy-MM-dd}..{run.PeriodEnd:yyyy-MM-dd}; this call asks for {BatchRunIdentity.Describe(selection)} over {from:yyyy-MM-dd}..{to:yyyy-MM-dd}. Use another --run-id."));
            return ExitCodes.Usage;
        }

        if (run.IsFinished)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"run {runId} already finished at {run.FinishedAt:u}: {BatchRunFailures.Counts(run)}; nothing written."));
            return await BatchRunFailures.OfFinishedAsync(run, error);
        }

        if (run.ChunksDone > 0)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"resuming run {runId} after driver {run.LastDriverId} ({run.ChunksDone} chunks committed)"));
        }

        var remaining = await runner.CountRemainingAsync(selected, run.LastDriverId, cancellationToken);
        ScoringRunReport report;
        try
        {
            report = await WithProgressAsync(output, remaining, progress => runner.RunAsync(run, selected, chunkSize, StorageCommandContext.Actor, progress, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            var stopped = await runs.GetAsync(runId, CancellationToken.None);
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"cancelled: run {runId} stopped after driver {stopped?.LastDriverId}; run the same command (or --run-id {runId}) to resume."));
            return ExitCodes.Cancelled;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"run {runId} finished: {report.Scored} scored, {report.NoTrips} without trips in {from:yyyy-MM-dd}..{to:yyyy-MM-dd}, {report.Failed.Count} failed"));
        if (run.ChunksDone > 0)
        {
            // The line above counts this call; a resumed run's earlier calls count too.
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {runId} in all: {BatchRunFailures.Counts(report.Run)}"));
        }

        if (experiment is not null)
        {
            var variants = string.Join(", ", report.ByVariant.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key} {v.Value}")));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"experiment {experiment}: {(variants.Length == 0 ? "no driver scored" : variants)}; {report.ShadowScores} shadow scores stored"));
        }

        foreach (var (driverId, reason) in report.Failed.Take(MaxFailuresListed))
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"driver {driverId}: {reason}"));
        }

        if (report.Failed.Count > MaxFailuresListed)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"… and {report.Failed.Count - MaxFailuresListed} more drivers failed (the run's row in scoring_runs counts them)."));
        }

        return await BatchRunFailures.OfFinishingAsync(report, error);
    }

    private static async Task<ScoringRunReport> WithProgressAsync(TextWriter output, int total, Func<IProgress<ScoringRunProgress>, Task<ScoringRunReport>> work)
    {
        // A live bar only on an interactive console; scripts and cron get one line per chunk.
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            var done = 0;
            return await work(new SynchronousProgress(chunk =>
            {
                done += chunk.Drivers;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chunk {chunk.Chunk}: {done}/{total} drivers (last id {chunk.LastDriverId})"));
            }));
        }

        ScoringRunReport? report = null;
        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask("scoring drivers", maxValue: Math.Max(total, 1));
            report = await work(new SynchronousProgress(chunk => task.Increment(chunk.Drivers)));
        });
        return report!;
    }

    private static void CheckRange(string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option}: {value} is outside {min}–{max}."));
        }
    }

    // Enough to see what went wrong without flooding a terminal; the count of the rest follows.
    private const int MaxFailuresListed = 20;

    // Progress<T> posts to the thread pool; the bar and the lines must be updated in chunk order, on the caller.
    private sealed class SynchronousProgress(Action<ScoringRunProgress> report) : IProgress<ScoringRunProgress>
    {
        public void Report(ScoringRunProgress value) => report(value);
    }
}
