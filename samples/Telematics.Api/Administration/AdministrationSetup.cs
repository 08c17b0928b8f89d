using Telematics.Api.Caching;
using Telematics.Api.Storage;
using Telematics.Scoring.Service;
namespace Telematics.Api.Administration;

/// <summary>Wires what the model, experiment and admin endpoints need beyond storage and scoring.</summary>
internal static class AdministrationSetup
{
    /// <summary>The configuration key of the model package directory (<c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public const string ModelDirectoryKey = "Scoring:ModelDirectory";

    /// <summary>The configuration key of the model served when a score names none (through its <c>champion</c> alias).</summary>
    public const string DefaultModelKey = "Scoring:DefaultModel";

    /// <summary>
    /// The configuration key choosing what serves by default: <c>rules</c> (the default: the built-in rules model, or
    /// <c>Scoring:DefaultModel</c> when set), <c>shipped</c> (the trained model shipped with the SDK), or a model directory.
    /// </summary>
    public const string ModelKey = "Scoring:Model";

    /// <summary>
    /// Loads stored experiments at start-up, reads the audit anchor settings and signs anchors on a schedule when a
    /// signing key is configured. Call after <c>AddTelematicsStorageAndScoring</c> (which serves the models
    /// <see cref="ServedModels"/> reads from <c>Scoring:Model</c>, <c>Scoring:ModelDirectory</c> and <c>Scoring:DefaultModel</c>).
    /// </summary>
    public static IServiceCollection AddTelematicsAdministration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AuditAnchorSettings>();
        services.AddHostedService<AuditAnchorScheduler>();
        var reconcile = Seconds(configuration, ExperimentLoader.ReconcileKey);
        services.AddSingleton(provider => new ExperimentLoader(
            provider.GetRequiredService<DatabaseConnection>(),
            provider.GetRequiredService<DatabaseMigrator>(),
            provider.GetRequiredService<ExperimentScorer>(),
            provider,
            provider.GetRequiredService<ILogger<ExperimentLoader>>(),
            provider.GetRequiredService<TimeProvider>(),
            reconcile));
        services.AddHostedService(static provider => provider.GetRequiredService<ExperimentLoader>());
        services.AddSingleton<IRemoteTagListener>(static provider => provider.GetRequiredService<ExperimentLoader>());
        services.AddSingleton<PromotedElsewhere>();
        services.AddSingleton<IRemoteTagListener>(static provider => provider.GetRequiredService<PromotedElsewhere>());
        var aliasesEvery = Seconds(configuration, ModelAliasReconciler.ReconcileKey);
        services.AddHostedService(provider => new ModelAliasReconciler(
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Telematics.Scoring.Registry.ModelRegistryOptions>>(),
            provider.GetRequiredService<PromotedElsewhere>(),
            provider.GetRequiredService<TimeProvider>(),
            aliasesEvery,
            provider.GetRequiredService<ILogger<ModelAliasReconciler>>()));
        return services;
    }

    // A reconcile period: whole seconds above 0, 30 when unset.
    private static TimeSpan Seconds(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } seconds
            ? int.TryParse(seconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? TimeSpan.FromSeconds(parsed)
                : throw new InvalidOperationException($"{key} is '{seconds}'; it takes a whole number of seconds above 0.")
            : TimeSpan.FromSeconds(30);
}
