using Microsoft.Extensions.DependencyInjection.Extensions;

using Telematics.Scoring.Batch;
using Telematics.Scoring.Service;
using Telematics.Service.DependencyInjection;
using Telematics.Service.Ingest;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Telematics in one call: scoring runtime, storage adapter and the use cases over them.</summary>
public static class TelematicsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the scoring runtime (<c>AddTelematicsScoring</c>), what <paramref name="configure"/> chooses (a storage
    /// adapter, the models, the plan) and, as singletons, the use cases: <see cref="EventStreamIngestor"/>,
    /// <see cref="StoredDriverScorer"/> and <see cref="ScoringRunner"/>. Existing registrations are kept (<c>TryAdd</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Chooses the adapter, models, plan and experiment, e.g.
    /// <c>t =&gt; t.UsePostgres(o =&gt; …).UseShippedModel().UsePricingPlan(plan)</c>.</param>
    /// <returns>The same collection.</returns>
    /// <remarks>
    /// Resolving <see cref="StoredDriverScorer"/> needs a storage adapter (an <see cref="IScoreStore"/>) and a pricing plan
    /// (<see cref="TelematicsBuilder.UsePricingPlan(Func{IServiceProvider, Telematics.Scoring.Pricing.PricingPlan})"/>);
    /// without either it fails with a message saying which call is missing.
    /// </remarks>
    public static IServiceCollection AddTelematics(this IServiceCollection services, Action<TelematicsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new TelematicsBuilder(services);
        services.AddTelematicsScoring();
        configure(builder);

        services.TryAddSingleton(TimeProvider.System);
        var plan = builder.Plan;
        var experiment = builder.Experiment;
        services.TryAddSingleton(provider => new StoredDriverScorer(
            provider.GetService<IScoreStore>() ?? throw new InvalidOperationException(
                "No storage for stored drivers: call a storage adapter in AddTelematics, e.g. .UsePostgres(...) from Telematics.Storage.Postgres."),
            provider.GetRequiredService<ExperimentScorer>(),
            provider.GetRequiredService<BatchScorer>(),
            new StoredScoringOptions
            {
                Plan = plan?.Invoke(provider) ?? throw new InvalidOperationException(
                    "No pricing plan for stored scores: call .UsePricingPlan(...) in AddTelematics."),
                Experiment = experiment?.Invoke(provider),
            },
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new EventStreamIngestor(
            provider.GetService<IUploadStore>() ?? throw new InvalidOperationException(
                "No storage for uploads: call a storage adapter in AddTelematics, e.g. .UsePostgres(...) from Telematics.Storage.Postgres.")));
        var writers = builder.Writers;
        services.TryAddSingleton(provider => new ScoringRunner(
            provider.GetRequiredService<StoredDriverScorer>(),
            provider.GetService<IScoringRunStore>() ?? throw new InvalidOperationException(
                "No storage for scoring runs: call a storage adapter in AddTelematics, e.g. .UsePostgres(...) from Telematics.Storage.Postgres."),
            writers));
        return services;
    }
}
