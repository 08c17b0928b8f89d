using Microsoft.Extensions.Diagnostics.HealthChecks;

using Telematics.Api.Scoring;
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
            var package = lease.Package;
            return Task.FromResult(plan.Misfit(package) is { } misfit
                ? HealthCheckResult.Unhealthy($"Plan '{plan.Name}' does not fit the served model {package.Name}@{package.Version}: {misfit}")
                : HealthCheckResult.Healthy($"Plan '{plan.Name}' fits {package.Name}@{package.Version}."));
        }
    }
}
