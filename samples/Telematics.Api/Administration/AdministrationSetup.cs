namespace Telematics.Api.Administration;

/// <summary>Wires what the model, experiment and admin endpoints need beyond storage and scoring.</summary>
internal static class AdministrationSetup
{
    /// <summary>The configuration key of the model package directory (<c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/</c>).</summary>
    public const string ModelDirectoryKey = "Scoring:ModelDirectory";

    /// <summary>The configuration key of the model served when a score names none (through its <c>champion</c> alias).</summary>
    public const string DefaultModelKey = "Scoring:DefaultModel";

    /// <summary>
    /// Serves model packages from <c>Scoring:ModelDirectory</c> (when set) with <c>Scoring:DefaultModel</c> as the default,
    /// loads stored experiments at start-up, and reads the audit anchor key. Call after <c>AddTelematicsStorageAndScoring</c>.
    /// </summary>
    public static IServiceCollection AddTelematicsAdministration(this IServiceCollection services, IConfiguration configuration)
    {
        // A second AddTelematicsScoring adds its settings to the first (the services themselves are TryAdd).
        services.AddTelematicsScoring(builder =>
        {
            // ML.NET .zip packages are served beside ONNX ones (the host demonstrates every model kind).
            builder.UseMLNetModels();
            if (configuration[ModelDirectoryKey] is { Length: > 0 } directory)
            {
                builder.UseModelDirectory(directory);
            }

            if (configuration[DefaultModelKey] is { Length: > 0 } model)
            {
                builder.UseDefaultModel(model);
            }
        });
        services.AddSingleton<AuditVerificationKey>();
        services.AddSingleton<ExperimentLoader>();
        services.AddHostedService(static provider => provider.GetRequiredService<ExperimentLoader>());
        return services;
    }
}
