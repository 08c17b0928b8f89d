using Telematics.Scoring.Batch;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Service;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Api.Scoring;

/// <summary>Registers the stored-driver scorer, the score reader and the pricing plan behind <c>/risk</c> and <c>/pricing</c>.</summary>
internal static class RiskScoringSetup
{
    /// <summary>
    /// Adds <see cref="StoredDriverScorer"/> (plan from <c>Pricing:PlanPath</c>, experiment from <c>Scoring:Experiment</c>),
    /// <see cref="StoredScoreReader"/> and <see cref="ScoringRunRepository"/>. The plan is read and checked against the
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
        services.AddSingleton(static provider => new StoredDriverScorer(
            provider.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            provider.GetRequiredService<TripRepository>(),
            provider.GetRequiredService<ExperimentScorer>(),
            provider.GetRequiredService<BatchScorer>(),
            new StoredScoringOptions
            {
                Plan = provider.GetRequiredService<PricingPlan>(),
                Experiment = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RiskScoringOptions>>().Value.Experiment,
            },
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(static provider => new StoredScoreReader(provider.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        return services;
    }
}
