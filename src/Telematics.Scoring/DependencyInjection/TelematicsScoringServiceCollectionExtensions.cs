using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telematics.Scoring.Batch;
using Telematics.Scoring.DependencyInjection;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Telematics scoring: <see cref="ModelRegistry"/>, <see cref="RiskScorer"/>, <see cref="ExperimentScorer"/>, <see cref="BatchScorer"/> and <see cref="ScoringMetrics"/>.</summary>
public static class TelematicsScoringServiceCollectionExtensions
{
    /// <summary>Registers scoring with the built-in rules model and no model directory.</summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddTelematicsScoring(this IServiceCollection services) =>
        services.AddTelematicsScoring((_, _) => { });

    /// <summary>Registers scoring configured by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model directory, default model and reload behaviour.</param>
    public static IServiceCollection AddTelematicsScoring(this IServiceCollection services, Action<TelematicsScoringBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddTelematicsScoring((_, builder) => configure(builder));
    }

    /// <summary>Registers scoring configured by <paramref name="configure"/>, which may read other services (for example configuration).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model directory, default model and reload behaviour.</param>
    /// <remarks>Registrations use TryAdd, so calling this twice, or replacing a service first, is safe. Options are validated at host start (ValidateOnStart), or when the registry or experiment scorer is first resolved; an experiment whose variant references a model the registry does not serve fails that validation with a message naming the experiment, variant and reference.</remarks>
    public static IServiceCollection AddTelematicsScoring(this IServiceCollection services, Action<IServiceProvider, TelematicsScoringBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<ModelRegistryOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                var builder = new TelematicsScoringBuilder();
                configure(provider, builder);
                builder.ApplyTo(options);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRegistryOptions>, ModelRegistryOptionsValidator>());
        services.AddOptions<ScoringExperimentsOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                var builder = new TelematicsScoringBuilder();
                configure(provider, builder);
                builder.ApplyTo(options);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoringExperimentsOptions>, ScoringExperimentsOptionsValidator>());
        services.TryAddSingleton(provider => new ScoringMetrics(provider.GetService<IMeterFactory>()));
        services.TryAddSingleton(provider => new ModelRegistry(
            provider.GetRequiredService<IOptions<ModelRegistryOptions>>().Value,
            schema: null,
            provider.GetService<ILogger<ModelRegistry>>(),
            provider.GetService<TimeProvider>(),
            provider.GetRequiredService<ScoringMetrics>()));
        services.TryAddSingleton(provider => new RiskScorer(
            provider.GetRequiredService<ModelRegistry>(),
            provider.GetRequiredService<ScoringMetrics>(),
            provider.GetService<ILogger<RiskScorer>>()));
        services.TryAddSingleton(provider => new ExperimentScorer(
            provider.GetRequiredService<RiskScorer>(),
            provider.GetRequiredService<IOptions<ScoringExperimentsOptions>>().Value.Experiments,
            provider.GetService<ILogger<ExperimentScorer>>()));
        services.TryAddSingleton(provider => new BatchScorer(
            provider.GetRequiredService<RiskScorer>(),
            provider.GetRequiredService<ScoringMetrics>(),
            provider.GetService<ILogger<BatchScorer>>()));
        return services;
    }
}
