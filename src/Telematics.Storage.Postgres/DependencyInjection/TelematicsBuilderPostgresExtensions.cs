using Telematics.Service.DependencyInjection;
using Telematics.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL as the storage of <c>AddTelematics</c>.</summary>
public static class TelematicsBuilderPostgresExtensions
{
    /// <summary>Stores everything in PostgreSQL: registers <c>AddTelematicsPostgres</c> with <paramref name="configure"/>, which also provides the use cases' storage ports.</summary>
    /// <param name="builder">The Telematics builder.</param>
    /// <param name="configure">Sets the options; the connection string falls back to <c>TELEMATICS_PG</c>.</param>
    /// <returns>The same builder.</returns>
    public static TelematicsBuilder UsePostgres(this TelematicsBuilder builder, Action<TelematicsPostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTelematicsPostgres(configure);
        return builder;
    }

    /// <summary>Stores everything in PostgreSQL with options that depend on other services (e.g. configuration).</summary>
    /// <param name="builder">The Telematics builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static TelematicsBuilder UsePostgres(this TelematicsBuilder builder, Action<IServiceProvider, TelematicsPostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTelematicsPostgres(configure);
        return builder;
    }
}
