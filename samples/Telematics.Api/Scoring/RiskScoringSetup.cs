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
    /// <see cref="StoredScoreReader"/> and <see cref="ScoringRunRepository"/>. The plan is read when the scorer is first
    /// needed; an unreadable plan fails that request with a 500 naming the file in the log.
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
            var path = Path.IsPathRooted(options.PlanPath) ? options.PlanPath : Path.Combine(AppContext.BaseDirectory, options.PlanPath);
            var plan = PricingPlanJson.Load(path, Telematics.Features.Schema.TelematicsFeatures.Schema);
            if (plan.Relativity is not null || plan.ProhibitedFeatures.Count > 0)
            {
                // A frequency relativity needs a frequency model, and refuses to price again what that model prices.
                using var lease = provider.GetRequiredService<Telematics.Scoring.Registry.ModelRegistry>().Acquire();
                var model = lease.Package;
                if (plan.Relativity is not null && model.OutputKind != Telematics.Scoring.Packaging.ModelOutputKind.Frequency)
                {
                    throw new PricingPlanException("telematics_relativity",
                        $"plan {plan.Name} prices a claim frequency, but the served model {model} outputs a {model.OutputKind.ToString().ToLowerInvariant()}; serve a frequency model (e.g. the shipped one) or use a risk_multiplier plan.");
                }

                plan.RefuseDoubleCounting(model.Model.Binding.FeatureNames, model.ToString());
            }

            return plan;
        });
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
