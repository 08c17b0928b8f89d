using Telematics.Scoring.Experiments;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;

namespace Telematics.Api.Scoring;

/// <summary>Whether the served pricing plan can price a model package: what a promotion and readiness both ask after start.</summary>
internal static class PlanFit
{
    /// <summary>Why <paramref name="plan"/> cannot price <paramref name="package"/> (<see cref="PricingPlan.EnsureFits(ModelPackage)"/>), or null when it can.</summary>
    public static string? Misfit(this PricingPlan plan, ModelPackage package) => Refusal(() => plan.EnsureFits(package));

    /// <summary>
    /// Why <paramref name="plan"/> cannot price a model <paramref name="experiment"/> serves
    /// (<see cref="PricingPlan.EnsureFits(ExperimentDefinition, ExperimentScorer)"/>), or null when it can price them all.
    /// </summary>
    public static string? Misfit(this PricingPlan plan, ExperimentDefinition experiment, ExperimentScorer scorer) =>
        Refusal(() => plan.EnsureFits(experiment, scorer));

    /// <summary>
    /// Why <paramref name="plan"/> cannot price what the host serves now ("the served model …" or "a served variant: …"),
    /// or null: the default model and, when
    /// <paramref name="servedExperiment"/> names one the scorer holds, every model its variants serve.
    /// </summary>
    public static string? MisfitOfServed(this PricingPlan plan, ModelRegistry registry, ExperimentScorer scorer, string? servedExperiment)
    {
        if (registry.TryAcquire(null, null, out var lease))
        {
            using (lease)
            {
                if (plan.Misfit(lease.Package) is { } misfit)
                {
                    return $"the served model {lease.Package.Name}@{lease.Package.Version}: {misfit}";
                }
            }
        }

        return servedExperiment is not null && scorer.TryGetExperiment(servedExperiment, out var experiment) && plan.Misfit(experiment, scorer) is { } variantMisfit
            ? "a served variant: " + variantMisfit
            : null;
    }

    private static string? Refusal(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (PricingPlanException e)
        {
            return e.Message;
        }
    }
}
