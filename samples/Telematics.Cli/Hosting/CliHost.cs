using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Telematics.Service.DependencyInjection;
using Telematics.Storage.Postgres;

namespace Telematics.Cli.Hosting;

/// <summary>
/// The services of a database command, wired by the SDK's one <c>AddTelematics</c> call on a generic host, as the
/// reference API host wires its own: the command resolves what it needs instead of building object graphs by hand.
/// </summary>
internal static class CliHost
{
    /// <summary>Builds a host with PostgreSQL at <paramref name="connectionString"/> and what <paramref name="configure"/> adds.</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="configure">Models, plan, experiment and run writers.</param>
    /// <param name="services">Registrations made first and therefore kept (e.g. a test's data source or model registry).</param>
    /// <param name="postgres">Storage options beyond the connection string (e.g. retention for <c>partitions maintain</c>).</param>
    /// <returns>The host; not started (a command has no background services), dispose it when done.</returns>
    public static IHost Create(
        string? connectionString, Action<TelematicsBuilder> configure, Action<IServiceCollection>? services = null, Action<TelematicsPostgresOptions>? postgres = null)
    {
        // No default configuration sources or console logging: the command's own output is all the user sees.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "telematics" });
        services?.Invoke(builder.Services);
        builder.Services.AddTelematics(telematics => configure(telematics.UsePostgres(options =>
        {
            // A book whose events go to NATS (TELEMATICS_NATS set, as for its hosts) gets the domain events of the CLI's
            // writes too, in their outbox; the hosts' relay hands them on (docs/events.md).
            options.WriteDomainEvents = Environment.GetEnvironmentVariable("TELEMATICS_NATS") is { Length: > 0 };
            postgres?.Invoke(options);
            options.ConnectionString = connectionString;
        })));
        return builder.Build();
    }
}
