using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;

namespace Telematics.Api.Scoring;

/// <summary>Whether the served pricing plan can price a model package: what a promotion and readiness both ask after start.</summary>
internal static class PlanFit
{
    /// <summary>Why <paramref name="plan"/> cannot price <paramref name="package"/> (<see cref="PricingPlan.EnsureFits"/>), or null when it can.</summary>
    public static string? Misfit(this PricingPlan plan, ModelPackage package)
    {
        try
        {
            plan.EnsureFits(package);
            return null;
        }
        catch (PricingPlanException e)
        {
            return e.Message;
        }
    }
}
