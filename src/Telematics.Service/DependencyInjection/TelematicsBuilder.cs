using Microsoft.Extensions.DependencyInjection;

using Telematics.Scoring.DependencyInjection;
using Telematics.Scoring.Pricing;
using Telematics.Service.Scoring;

namespace Telematics.Service.DependencyInjection;

/// <summary>
/// Chooses what <see cref="TelematicsServiceCollectionExtensions.AddTelematics(IServiceCollection, Action{TelematicsBuilder})"/>
/// registers: the storage adapter (e.g. <c>.UsePostgres(…)</c> from <c>Telematics.Storage.Postgres</c>), the models
/// served, the pricing plan and the experiment stored drivers are scored in.
/// </summary>
public sealed class TelematicsBuilder
{
    internal TelematicsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection, for adapters' extension methods (e.g. <c>UsePostgres</c>).</summary>
    public IServiceCollection Services { get; }

    internal Func<IServiceProvider, PricingPlan>? Plan { get; private set; }

    internal Func<IServiceProvider, string?>? Experiment { get; private set; }

    internal int Writers { get; private set; } = 1;

    /// <summary>Configures the scoring runtime (model directory, default model, experiments, hot reload); may be called more than once.</summary>
    /// <param name="configure">Sets the scoring builder.</param>
    /// <returns>This builder.</returns>
    public TelematicsBuilder ConfigureScoring(Action<IServiceProvider, TelematicsScoringBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddTelematicsScoring(configure);
        return this;
    }

    /// <summary>Configures the scoring runtime; may be called more than once.</summary>
    /// <param name="configure">Sets the scoring builder.</param>
    /// <returns>This builder.</returns>
    public TelematicsBuilder ConfigureScoring(Action<TelematicsScoringBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return ConfigureScoring((_, builder) => configure(builder));
    }

    /// <summary>Serves the model shipped with the SDK (<c>telematics-frequency</c>) at <c>champion</c>.</summary>
    /// <returns>This builder.</returns>
    public TelematicsBuilder UseShippedModel() => ConfigureScoring(static builder => builder.UseShippedModel());

    /// <summary>
    /// Prices stored scores with the plan <paramref name="plan"/> returns. It is resolved once, when the scorer is first
    /// resolved, and must fit the served model (<see cref="PricingPlan.EnsureFits(Telematics.Scoring.Packaging.ModelPackage)"/> is the factory's to call).
    /// </summary>
    /// <param name="plan">Returns the plan; may use other services (e.g. the model registry).</param>
    /// <returns>This builder.</returns>
    public TelematicsBuilder UsePricingPlan(Func<IServiceProvider, PricingPlan> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        return this;
    }

    /// <summary>Prices stored scores with <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>This builder.</returns>
    public TelematicsBuilder UsePricingPlan(PricingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return UsePricingPlan(_ => plan);
    }

    /// <summary>Scores stored drivers in the experiment <paramref name="experiment"/> returns (null: the champion).</summary>
    /// <param name="experiment">Returns the experiment's name, one the scoring runtime knows, or null.</param>
    /// <returns>This builder.</returns>
    public TelematicsBuilder ScoreInExperiment(Func<IServiceProvider, string?> experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        Experiment = experiment;
        return this;
    }

    /// <summary>Sets how many chunks a <see cref="ScoringRunner"/> writes at once (default 1).</summary>
    /// <param name="writers">1–<see cref="ScoringRunner.MaxWriters"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="writers"/> is outside 1–8.</exception>
    public TelematicsBuilder WithRunWriters(int writers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writers, ScoringRunner.MaxWriters);
        Writers = writers;
        return this;
    }
}
