using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Telematics.Cli.Pricing;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;

namespace Telematics.Cli.BatchScore;

/// <summary>
/// What identifies a <c>batch-score</c> run: the drivers selected, the served model and plan, and the default run id made
/// of them, so that the same request resumes or finds its run and another request starts another.
/// </summary>
internal static class BatchRunIdentity
{
    internal static long[]? Selection(bool all, string? drivers)
    {
        if (all == (drivers is not null))
        {
            throw new ArgumentException("Give exactly one of --all or --drivers 1,2,3.");
        }

        if (drivers is null)
        {
            return null;
        }

        var ids = new SortedSet<long>();
        foreach (var part in drivers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new ArgumentException($"--drivers: '{part}' is not a driver id (a positive whole number).");
            }

            ids.Add(id);
        }

        return ids.Count > 0 ? [.. ids] : throw new ArgumentException("--drivers: give at least one driver id.");
    }

    /// <summary>
    /// The served default model (name@version and its package's SHA-256) and the plan's content, as
    /// <c>model:NAME@VERSION#SHA plan:NAME#SHA</c>: what besides the drivers and period decides a run's results. Part of
    /// the run's selection (after the drivers and experiment) and, hashed, of the default run id; tests that start a run
    /// themselves use it to start it as the command would.
    /// </summary>
    internal static string Settings(ModelRegistry registry, PricingPlan plan, FileInfo? planFile)
    {
        using var lease = registry.Acquire();
        var package = lease.Package;
        var planPath = CliPricingPlan.PathFor(planFile, package);
        var planHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(planPath)))[..12];
        return $"model:{package}#{(package.Sha256.Length >= 12 ? package.Sha256[..12] : "-")} plan:{plan.Name}#{planHash}";
    }

    internal static string DefaultRunId(string selection, int days, DateTimeOffset to, string? experiment, string settings)
    {
        var what = selection == "all" ? "all" : "drivers-" + Hash(selection)[..12];
        // Experiment names allow up to 100 characters; a long one is hashed so that the id stays within its 100.
        var inExperiment = experiment is null ? "" : "-x-" + (experiment.Length <= 40 ? experiment : Hash(experiment)[..12]);
        // Another model or plan is another run: re-running with a new plan scores again instead of "already finished".
        return string.Create(CultureInfo.InvariantCulture, $"{what}-{to:yyyyMMdd}-{days}d-{Hash(settings)[..8]}{inExperiment}");
    }

    /// <summary>Longest list of driver ids a run's selection holds as written; a longer one is held as its count and hash.</summary>
    internal const int MaxListedSelection = 2_000;

    // A run's selection is at most 10,000 characters with the model and plan after it: a long list (a renewal cohort of
    // thousands of ids) is recorded as its count and the hash of the sorted ids, which still tells one list from another.
    internal static string DriverSelection(long[]? selected)
    {
        if (selected is null)
        {
            return "all";
        }

        var list = "drivers:" + string.Join(',', selected);
        return list.Length <= MaxListedSelection
            ? list
            : string.Create(CultureInfo.InvariantCulture, $"drivers:{selected.Length}#sha256:{Hash(list)}");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // The drivers list is cut when long; what follows it (experiment, model, plan) is kept, since that may be what differs.
    internal static string Describe(string selection)
    {
        var space = selection.IndexOf(' ', StringComparison.Ordinal);
        var (drivers, rest) = space < 0 ? (selection, "") : (selection[..space], selection[space..]);
        return drivers == "all" ? "all drivers" + rest : (drivers.Length > 60 ? drivers[..60] + "…" : drivers) + rest;
    }
}
