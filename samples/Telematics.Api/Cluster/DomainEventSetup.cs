using Telematics.Api.Health;
using Telematics.Api.Live;
using Telematics.Storage.Postgres;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Api.Cluster;

/// <summary>
/// Domain events on NATS JetStream when a server is configured (<c>ConnectionStrings:Nats</c>, else <c>TELEMATICS_NATS</c>):
/// the book's writes leave their events in the outbox in the same transaction, the outbox relay hands them to the
/// stream as CloudEvents (<c>docs/events.md</c>), and <c>/hubs/live</c> is fed from that stream, so a client of any
/// host hears about a write on any other. Without a server nothing changes.
/// </summary>
internal static class DomainEventSetup
{
    /// <summary>
    /// The section of the NATS settings the host shares with streamed ingest and the worker (<c>Nats:SubjectPrefix</c>,
    /// default <c>telematics</c>, which books sharing one NATS must set apart; <c>Nats:Replicas</c>, default 1).
    /// </summary>
    public const string SectionName = "Nats";

    /// <summary>The section of the relay's settings (<c>OutboxRelayOptions</c>: <c>BatchSize</c>, <c>PollInterval</c>, …).</summary>
    public const string RelaySection = "Nats:Relay";

    /// <summary>Registers the outbox writes, the relay and the hub's feed when NATS is configured.</summary>
    public static IServiceCollection AddTelematicsDomainEvents(this IServiceCollection services, IConfiguration configuration)
    {
        if (NatsStreamingOptions.FindUrl(configuration.GetConnectionString(NatsStreamingOptions.ConfigurationName)) is not { } url)
        {
            return services;
        }

        services.PostConfigure<TelematicsPostgresOptions>(static options => options.WriteDomainEvents = true);
        services.AddTelematicsOutboxRelay(streaming =>
        {
            configuration.GetSection(SectionName).Bind(streaming);
            streaming.Url = url;
        }, relay => configuration.GetSection(RelaySection).Bind(relay));
        services.AddHealthChecks().AddCheck<DomainEventRelayHealthCheck>("domain-events", tags: [HealthEndpoints.ReadyTag]);
        var sharedBackplane = RedisConnection.Find(configuration) is not null;
        services.Configure<LiveOptions>(options =>
        {
            options.FedFromDomainEvents = true;
            options.SharedBackplane = sharedBackplane;
            if (configuration.GetValue<TimeSpan?>("Live:MaxMessageAge") is { } age && age > TimeSpan.Zero)
            {
                options.MaxMessageAge = age;
            }
        });
        services.AddHostedService<DomainEventLiveFeed>();
        return services;
    }
}
