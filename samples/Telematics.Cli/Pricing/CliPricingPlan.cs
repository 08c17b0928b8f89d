using System.CommandLine;
using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;

namespace Telematics.Cli.Pricing;

/// <summary>
/// The pricing plan of the database commands (<c>batch-score</c>, <c>seed</c>, <c>drivers</c>): <c>--plan FILE</c>, else
/// the demo plan <c>docs/pricing/ubi-standard-2027.json</c> copied beside the tool at build — the plan the reference host
/// uses by default (<c>Pricing:PlanPath</c>), so the tool and the host agree on regions and prices.
/// </summary>
internal static class CliPricingPlan
{
    /// <summary>The demo plan shipped beside the tool (<c>docs/pricing/ubi-standard-2027.json</c>).</summary>
    public static readonly string DemoPlanPath = Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json");

    /// <summary>The demo plan for frequency models (<c>docs/pricing/ubi-relativity-2027.json</c>), used without <c>--plan</c> when the model outputs a claim frequency.</summary>
    public static readonly string DemoRelativityPlanPath = Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-relativity-2027.json");

    /// <summary>A <c>--plan</c> option; <paramref name="purpose"/> says what the command uses the plan for.</summary>
    public static Option<FileInfo?> Option(string purpose, bool byModel = false) =>
        new("--plan")
        {
            Description = purpose + (byModel
                ? " (default: the demo plan docs/pricing/ubi-standard-2027.json shipped with the tool, or ubi-relativity-2027.json when the model outputs a claim frequency)."
                : " (default: the demo plan docs/pricing/ubi-standard-2027.json shipped with the tool)."),
        };

    /// <summary>Where the plan comes from, for messages: the file given, else the shipped demo plan's path.</summary>
    public static string Source(FileInfo? file) =>
        file is null ? $"the demo plan shipped with the tool ({DemoPlanPath}); --plan FILE names another" : $"--plan {file.FullName}";

    /// <summary>
    /// Loads <paramref name="file"/>, else the demo plan, checked against the SDK's feature schema. On failure writes
    /// <c>--plan: reason</c> to <paramref name="error"/> and returns null (the caller exits with <see cref="ExitCodes.InputError"/>).
    /// </summary>
    public static async Task<PricingPlan?> TryLoadAsync(FileInfo? file, TextWriter error)
    {
        try
        {
            return PricingPlanJson.Load(file?.FullName ?? DemoPlanPath, TelematicsFeatures.Schema);
        }
        catch (Exception e) when (e is PricingPlanException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("--plan: " + e.Message).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The message when <paramref name="region"/> is not a region of <paramref name="plan"/> — the check the host makes
    /// (400 naming <c>region</c>) — naming <paramref name="option"/>, the plan's regions and where the plan came from; null
    /// when the plan has the region.
    /// </summary>
    public static string? RegionError(PricingPlan plan, string region, FileInfo? file, string option = "--region")
    {
        if (plan.RegionBaseRates.ContainsKey(region))
        {
            return null;
        }

        var codes = plan.RegionBaseRates.Keys.ToArray();
        Array.Sort(codes, StringComparer.Ordinal);
        var regions = codes.Length == 0 ? "it has no regions; leave the option out for its default base rate" : "its regions: " + string.Join(", ", codes);
        return $"{option}: '{region}' is not a region of the pricing plan '{plan.Name}' ({regions}); the plan: {Source(file)}.";
    }

    /// <summary>
    /// The plan for the registry's default model, checked to fit it (<see cref="PricingPlan.EnsureFits(Telematics.Scoring.Packaging.ModelPackage)"/>): a frequency
    /// relativity needs a frequency model, a score plan would discard one, nothing the model prices is priced twice.
    /// Without <c>--plan</c> (<paramref name="file"/> null) a frequency model gets the demo relativity plan
    /// (<see cref="DemoRelativityPlanPath"/>) instead of the score plan. Writes the reason and returns null when the plan
    /// does not fit.
    /// </summary>
    public static PricingPlan? ForModel(PricingPlan plan, FileInfo? file, Telematics.Scoring.Registry.ModelRegistry registry, TextWriter error)
    {
        try
        {
            return FitToModel(plan, file, registry);
        }
        catch (Exception e) when (e is PricingPlanException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("--plan: " + e.Message);
            return null;
        }
    }

    /// <summary>The file of the plan <see cref="FitToModel"/> serves with <paramref name="package"/>: <paramref name="file"/>, else the demo plan that fits the model.</summary>
    public static string PathFor(FileInfo? file, Telematics.Scoring.Packaging.ModelPackage package) =>
        file?.FullName ?? (package.OutputKind == Telematics.Scoring.Packaging.ModelOutputKind.Frequency ? DemoRelativityPlanPath : DemoPlanPath);

    /// <summary>Like <see cref="ForModel"/>, throwing instead of writing the reason: for a plan resolved by dependency injection.</summary>
    /// <exception cref="PricingPlanException">The plan does not fit the served model.</exception>
    /// <exception cref="IOException">The demo relativity plan cannot be read.</exception>
    public static PricingPlan FitToModel(PricingPlan plan, FileInfo? file, Telematics.Scoring.Registry.ModelRegistry registry)
    {
        using var lease = registry.Acquire();
        if (file is null && PathFor(file, lease.Package) == DemoRelativityPlanPath)
        {
            plan = PricingPlanJson.Load(DemoRelativityPlanPath, TelematicsFeatures.Schema);
        }

        plan.EnsureFits(lease.Package);
        return plan;
    }
}
