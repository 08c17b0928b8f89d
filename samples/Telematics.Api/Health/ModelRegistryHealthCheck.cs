using Microsoft.Extensions.Diagnostics.HealthChecks;
using Telematics.Scoring.Registry;

namespace Telematics.Api.Health;

/// <summary>Ready when the model registry serves its default model (the one a score without a model name uses).</summary>
internal sealed class ModelRegistryHealthCheck(ModelRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.TryAcquire(null, null, out var lease))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The default model is not served; see the model registry log."));
        }

        using (lease)
        {
            var package = lease.Package;
            return Task.FromResult(HealthCheckResult.Healthy($"Serving {package.Name}@{package.Version}."));
        }
    }
}
