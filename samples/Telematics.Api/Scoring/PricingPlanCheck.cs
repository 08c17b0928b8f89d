using Telematics.Scoring.Pricing;

namespace Telematics.Api.Scoring;

/// <summary>
/// Reads the pricing plan and checks it against the served model when the host starts, so that a bad plan file or a plan
/// that would misprice the model stops the host with the reason, not the first pricing request with a 500.
/// </summary>
internal sealed class PricingPlanCheck(IServiceProvider services, ILogger<PricingPlanCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var plan = services.GetRequiredService<PricingPlan>();
        logger.LogInformation("Pricing plan {Plan} fits the served model.", plan.Name);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
