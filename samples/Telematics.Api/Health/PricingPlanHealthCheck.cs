using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

using Telematics.Api.Scoring;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;

namespace Telematics.Api.Health;

/// <summary>
/// Ready only while the pricing plan fits every model the host prices: the default model and, in an experiment, each
/// served variant's. The plan is checked at start, at each promotion and experiment change through the API; a model
/// directory changed under a running host (a hot reload) can still serve a model the plan does not fit, and readiness
/// then says so rather than letting the host price it silently.
/// </summary>
internal sealed class PricingPlanHealthCheck(ModelRegistry registry, ExperimentScorer experiments, IOptions<RiskScoringOptions> options, PricingPlan plan) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(plan.MisfitOfServed(registry, experiments, options.Value.Experiment) is { } misfit
            ? HealthCheckResult.Unhealthy($"Plan '{plan.Name}' does not fit {misfit}")
            : HealthCheckResult.Healthy($"Plan '{plan.Name}' fits the served models."));
}
