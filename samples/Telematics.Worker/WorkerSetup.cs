using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Npgsql;

using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Worker;

/// <summary>
/// What the worker process runs: the storage adapter and the stream's ingest workers, configured like the reference host
/// (<c>ConnectionStrings:Telematics</c> or <c>TELEMATICS_PG</c>; <c>ConnectionStrings:Nats</c> or <c>TELEMATICS_NATS</c>;
/// <c>Ingest:Workers</c>, default 1; <c>Nats:SubjectPrefix</c>, <c>Nats:Replicas</c>, <c>Nats:Ingest:*</c>,
/// <c>Nats:Relay:*</c>).
/// </summary>
internal static class WorkerSetup
{
    public static IServiceCollection AddTelematicsWorker(this IServiceCollection services, IConfiguration configuration)
    {
        if (!PostgresConnectionString.TryResolve(configuration.GetConnectionString(PostgresConnectionString.ConfigurationName), out var postgres))
        {
            throw new InvalidOperationException(PostgresConnectionString.MissingMessage);
        }

        var nats = NatsStreamingOptions.FindUrl(configuration.GetConnectionString(NatsStreamingOptions.ConfigurationName))
            ?? throw new InvalidOperationException(
                $"No NATS server: set ConnectionStrings:{NatsStreamingOptions.ConfigurationName} or {NatsStreamingOptions.EnvironmentVariable} (scripts/nats.sh url NAME).");
        var workers = configuration.GetValue("Ingest:Workers", 1);

        // The trips the workers store raise TripCompleted events in the outbox, which this process relays too: a book whose
        // hosts run without NATS has no other relay, and its outbox would grow for ever. The outbox's lock lets one relay of
        // the book work at a time, so the hosts' relays and this one take turns, never publish twice (docs/events.md).
        services.AddTelematics(telematics => telematics.UsePostgres(options =>
        {
            options.ConnectionString = postgres;
            options.WriteDomainEvents = true;
        }));
        var section = configuration.GetSection("Nats");
        services.AddTelematicsStreamIngest(
            options =>
            {
                section.Bind(options);
                options.Url = nats;
            },
            options => section.GetSection("Ingest").Bind(options));

        // The host's settings sections (samples/Telematics.Api, DomainEventSetup): Nats for prefix and replicas, Nats:Relay
        // for the relay's own. The NATS connection is the one streamed ingest registered.
        services.AddTelematicsOutboxRelay(
            options =>
            {
                section.Bind(options);
                options.Url = nats;
            },
            options => section.GetSection("Relay").Bind(options));
        services.AddTelematicsIngestWorkers(workers, MigrateAsync);
        return services;
    }

    // The schema is brought up to date before the first batch (as the host does at start); a database that is not up yet is waited for.
    private static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILogger<MigrationRunner>>();
        while (true)
        {
            try
            {
                await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient)
            {
                WorkerLog.DatabaseNotReady(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }
}
