using Telematics.Scoring.MLNet;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds ML.NET model packages to Telematics scoring.</summary>
public static class MLNetScoringBuilderExtensions
{
    /// <summary>Serves model packages of kind <c>mlnet</c> from the model directory through <see cref="MLNetModelLoader"/>.</summary>
    /// <param name="builder">The scoring builder from <c>AddTelematicsScoring</c>.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>Calling it twice registers the loader once.</remarks>
    public static TelematicsScoringBuilder UseMLNetModels(this TelematicsScoringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureRegistry(options =>
        {
            foreach (var loader in options.ModelLoaders)
            {
                if (loader is MLNetModelLoader)
                {
                    return;
                }
            }

            options.ModelLoaders.Add(new MLNetModelLoader());
        });
    }
}
