using Microsoft.Extensions.Diagnostics.HealthChecks;

using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;

namespace Telematics.Api.Health;

/// <summary>
/// Ready only while the pricing plan fits the model served by default. The plan is checked at start and at each promotion
/// through the API; a model directory changed under a running host (a hot reload) can still serve a model the plan does
/// not fit, and readiness then says so rather than letting the host price it silently.
/// </summary>
internal sealed class PricingPlanHealthCheck(ModelRegistry registry, PricingPlan plan) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.TryAcquire(null, null, out var lease))
        {
            // No default model: the "models" check reports it.
            return Task.FromResult(HealthCheckResult.Healthy("No default model to price."));
        }

        using (lease)
        {
            try
            {
                plan.EnsureFits(lease.Package);
                return Task.FromResult(HealthCheckResult.Healthy($"Plan '{plan.Name}' fits {lease.Package.Name}@{lease.Package.Version}."));
            }
            catch (PricingPlanException e)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"Plan '{plan.Name}' does not fit the served model {lease.Package.Name}@{lease.Package.Version}: {e.Message}"));
            }
        }
    }
}
