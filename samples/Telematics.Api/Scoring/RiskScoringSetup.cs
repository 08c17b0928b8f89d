using Telematics.Scoring.Pricing;

namespace Telematics.Api.Scoring;

/// <summary>Registers the pricing plan behind <c>/risk</c> and <c>/pricing</c>, checked against the served model at start.</summary>
internal static class RiskScoringSetup
{
    /// <summary>
    /// Reads <see cref="RiskScoringOptions"/> (plan from <c>Pricing:PlanPath</c>, experiment from <c>Scoring:Experiment</c>)
    /// and registers the <see cref="PricingPlan"/> that <c>AddTelematics</c> prices stored scores with. The plan is read and checked against the
    /// served model at start (<see cref="PricingPlanCheck"/>): an unreadable plan, or one that does not fit the model,
    /// stops the host with the reason instead of failing requests later.
    /// </summary>
    public static IServiceCollection AddTelematicsRiskScoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RiskScoringOptions>().Configure(options =>
        {
            options.PlanPath = configuration["Pricing:PlanPath"] ?? options.PlanPath;
            options.Experiment = configuration["Scoring:Experiment"] is { Length: > 0 } experiment ? experiment : null;
        });
        services.AddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RiskScoringOptions>>().Value;
            // The plan must fit the served model: a frequency relativity needs a frequency, a score plan would discard one.
            using var lease = provider.GetRequiredService<Telematics.Scoring.Registry.ModelRegistry>().Acquire();
            var file = options.PlanPath
                ?? (lease.Package.OutputKind == Telematics.Scoring.Packaging.ModelOutputKind.Frequency ? RiskScoringOptions.DemoRelativityPlan : RiskScoringOptions.DemoScorePlan);
            var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
            var plan = PricingPlanJson.Load(path, Telematics.Features.Schema.TelematicsFeatures.Schema);
            plan.EnsureFits(lease.Package);
            return plan;
        });
        services.AddHostedService<PricingPlanCheck>();
        return services;
    }
}
