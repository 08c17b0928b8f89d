using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Microsoft.Extensions.DependencyInjection;

using Telematics.Cli.Models;
using Telematics.Cli.Output;
using Telematics.Cli.Partitions;
using Telematics.Features.Schema;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Shipped;
using Telematics.Storage.Postgres.Scores;

namespace Telematics.Cli.Pricing;

/// <summary>
/// <c>telematics pricing cells --model NAME [--model-version V] [--min-drivers 30] [--models DIR] [--output FILE] [--plan PLAN.json]</c>:
/// the book's mean model frequency per classical cell, from each stored driver's latest score of the model, written as the
/// <c>telematics_relativity</c> fragment the training report writes (<c>book_mean_frequency</c>, <c>cell_mean_frequency</c>)
/// or, with <c>--plan</c>, as a copy of that plan with its means replaced.
/// </summary>
internal static class PricingCommand
{
    public static Command Create()
    {
        var command = new Command("pricing", "Derive pricing-plan inputs from the stored book in PostgreSQL.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(CreateCells());
        return command;
    }

    private static Command CreateCells()
    {
        var model = new Option<string>("--model") { Description = "The frequency model whose stored scores are read (its name, as risk_scores records it).", Required = true };
        var version = new Option<string?>("--model-version")
        {
            Description = "Read each driver's latest score of this version only; required when the drivers' latest scores come from more than one version. Use the version the plan will be used with.",
        };
        var minDrivers = new Option<int>("--min-drivers")
        {
            Description = $"Leave out cells with fewer scored drivers (they fall back to a coarser cell or the book mean), ≥ 1.",
            DefaultValueFactory = _ => BookCellMeansQuery.DefaultMinDrivers,
        };
        var models = new Option<DirectoryInfo?>("--models")
        {
            Description = "Model directory (<dir>/<name>/<version>/) holding the model, to check that its output is a claim frequency; default: the built-in rules model and the model shipped with the SDK.",
        };
        var output = new Option<FileInfo?>("--output") { Description = "File to write (default: standard output); written only once the result loads as a plan." };
        var plan = new Option<FileInfo?>("--plan")
        {
            Description = "A telematics_relativity pricing plan: write a copy of it whose book_mean_frequency and cell_mean_frequency are the book's (its region_mean_frequency is dropped: the region/*/* cells replace it), instead of the fragment.",
        };
        var command = new Command(
            "cells",
            "Mean model frequency λ̄ per classical cell (region/age_band/vehicle_class) over the stored drivers' latest scores of a model, as a pricing-plan fragment or a plan with its cell means replaced.")
        {
            model, version, minDrivers, models, output, plan,
        };
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (services, stdout, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var name = parse.GetValue(model)!;
            var min = parse.GetValue(minDrivers);
            if (min < 1)
            {
                await error.WriteLineAsync($"--min-drivers: {min} is not a number of drivers (1 or more).").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var planFile = parse.GetValue(plan);
            string? planText = null;
            if (planFile is not null)
            {
                try
                {
                    // Checked first, so a plan that cannot take the means is refused before the book is read.
                    planText = await File.ReadAllTextAsync(planFile.FullName, Encoding.UTF8, ct).ConfigureAwait(false);
                    if (PricingPlanJson.Parse(planText, TelematicsFeatures.Schema).Relativity is null)
                    {
                        await error.WriteLineAsync($"--plan {planFile.FullName}: the plan prices a score (risk_multiplier), not the model's frequency (telematics_relativity); cell means have no place in it.").ConfigureAwait(false);
                        return ExitCodes.InputError;
                    }
                }
                catch (Exception e) when (e is PricingPlanException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"--plan {planFile.FullName}: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.InputError;
                }
            }

            var asked = parse.GetValue(version);
            await error.WriteLineAsync($"reading the latest score of model '{name}'{(asked is null ? "" : $" version '{asked}'")} of every stored driver…").ConfigureAwait(false);
            var book = await services.GetRequiredService<BookCellMeansQuery>().ReadAsync(name, asked, min, ct).ConfigureAwait(false);
            if (book.Drivers == 0 || book.BookMeanFrequency is not { } bookMean)
            {
                await error.WriteLineAsync(asked is null
                    ? $"--model: no stored driver has a score of model '{name}'; score the book with it first (telematics batch-score)."
                    : $"--model-version: no stored driver has a score of model '{name}' version '{asked}'; score the book with it first (telematics batch-score).").ConfigureAwait(false);
                return ExitCodes.InputError;
            }

            if (asked is null && book.Versions.Count > 1)
            {
                await error.WriteLineAsync(
                    $"--model-version: the stored drivers' latest scores of model '{name}' come from more than one version ({Versions(book)}); " +
                    "give the version the plan will be used with, so that the cell means are of that version's λ.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            if (CheckFrequencyModel(name, book, parse.GetValue(models)) is { } refusal)
            {
                await error.WriteLineAsync(refusal.Message).ConfigureAwait(false);
                return refusal.Exit;
            }

            var means = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var cell in book.Cells)
            {
                means[cell.Key] = Math.Round(cell.MeanFrequency, 5);
            }

            var roundedMean = Math.Round(bookMean, 5);
            string text;
            try
            {
                text = planText is null ? Fragment(roundedMean, means) : WithMeans(planText, roundedMean, means);
                // The result must load: a plan for a copy, the relativity's own checks (keys, values in (0, 10]) for a fragment.
                _ = planText is null
                    ? new FrequencyRelativity(roundedMean, null, means, 1, 0, 0)
                    : (object)PricingPlanJson.Parse(text, TelematicsFeatures.Schema);
            }
            catch (Exception e) when (e is PricingPlanException or JsonException)
            {
                await error.WriteLineAsync($"the book's cell means do not make a valid plan, nothing written: {e.Message}").ConfigureAwait(false);
                return ExitCodes.InputError;
            }

            var summary = string.Create(CultureInfo.InvariantCulture,
                $"model '{name}' version {book.Versions[0].ModelVersion}: book λ̄ {bookMean:0.#####} over {book.Drivers} drivers, {book.Cells.Count} cells of at least {min} drivers");
            if (parse.GetValue(output) is { } file)
            {
                await OutputFile.WriteTextAsync(file.FullName, writer => writer.WriteLineAsync(text)).ConfigureAwait(false);
                await stdout.WriteLineAsync($"wrote {file.FullName}: {summary}").ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteLineAsync(text).ConfigureAwait(false);
                await error.WriteLineAsync(summary).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string Versions(BookCellMeans book) =>
        string.Join(", ", book.Versions.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.ModelVersion}: {v.Drivers} drivers")));

    /// <summary>
    /// Refuses a model whose output is not a claim frequency (a probability or a score averaged per cell is not a λ̄), or
    /// that cannot be found to tell: looked up in <paramref name="directory"/>, else among the built-in and shipped models.
    /// </summary>
    private static (string Message, int Exit)? CheckFrequencyModel(string name, BookCellMeans book, DirectoryInfo? directory)
    {
        if (directory is not null && !directory.Exists)
        {
            return ($"--models: model directory '{directory.FullName}' does not exist.", ExitCodes.InputError);
        }

        var shipped = directory is null ? Path.Combine(Path.GetTempPath(), "telematics-cells-" + Guid.NewGuid().ToString("N")) : null;
        try
        {
            if (shipped is not null)
            {
                ShippedModel.ExtractTo(shipped);
            }

            using var registry = new ModelRegistry(CliModelLoading.RegistryOptions(directory?.FullName ?? shipped));
            registry.Reload();
            var version = book.Versions[0].ModelVersion;
            if (!registry.TryAcquire(name, version, out var lease))
            {
                var where = directory is null ? "the built-in and shipped models" : $"--models {directory.FullName}";
                return ($"--models: model '{name}' version '{version}' is not among {where}, so whether its output is a claim frequency cannot be checked; give --models with the directory that holds it.", ExitCodes.InputError);
            }

            using (lease)
            {
                if (lease.Package.OutputKind != ModelOutputKind.Frequency)
                {
                    return ($"--model: model '{name}' version '{version}' outputs a {lease.Package.OutputKind.ToString().ToLowerInvariant()}, not a claim frequency; cell means are the mean predicted frequency λ of a frequency model.", ExitCodes.InputError);
                }
            }

            return null;
        }
        finally
        {
            if (shipped is not null && Directory.Exists(shipped))
            {
                Directory.Delete(shipped, recursive: true);
            }
        }
    }

    /// <summary>The fragment the training report writes (<c>FILE.plan.json</c>), without classical relativities: the book does not fit those.</summary>
    private static string Fragment(double bookMean, Dictionary<string, double> cells)
    {
        var root = new JsonObject { ["telematics_relativity"] = Means(new JsonObject(), bookMean, cells) };
        return root.ToJsonString(Indented);
    }

    /// <summary>The plan with <c>book_mean_frequency</c> and <c>cell_mean_frequency</c> replaced and <c>region_mean_frequency</c> dropped; everything else kept.</summary>
    private static string WithMeans(string planText, double bookMean, Dictionary<string, double> cells)
    {
        var root = JsonNode.Parse(planText, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var relativity = root["telematics_relativity"]!.AsObject();
        relativity.Remove("region_mean_frequency");
        Means(relativity, bookMean, cells);
        return root.ToJsonString(Indented);
    }

    private static JsonObject Means(JsonObject relativity, double bookMean, Dictionary<string, double> cells)
    {
        var table = new JsonObject();
        foreach (var (key, mean) in cells)
        {
            table[key] = mean;
        }

        relativity["book_mean_frequency"] = bookMean;
        relativity["cell_mean_frequency"] = table;
        return relativity;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
