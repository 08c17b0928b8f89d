using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using NATS.Client.Core;

using Telematics.Service.Events;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Outbox;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the NATS JetStream side of Telematics.</summary>
public static class NatsStreamingServiceCollectionExtensions
{
    /// <summary>
    /// Runs the <see cref="OutboxRelay"/> as a hosted service: the domain events the storage adapter writes to its outbox
    /// (an <see cref="IDomainEventOutbox"/> must be registered, e.g. by <c>UsePostgres</c> with <c>WriteDomainEvents</c>
    /// on) go to the JetStream stream. Registers the options and one shared <see cref="INatsConnection"/> if none is.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureStreaming">Sets the server (<see cref="NatsStreamingOptions.Url"/> is required), prefix and replicas.</param>
    /// <param name="configureRelay">Adjusts batching, delays and the stream's limits; null for the defaults.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTelematicsOutboxRelay(
        this IServiceCollection services, Action<NatsStreamingOptions> configureStreaming, Action<OutboxRelayOptions>? configureRelay = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureStreaming);
        var streaming = new NatsStreamingOptions();
        configureStreaming(streaming);
        var relay = new OutboxRelayOptions();
        configureRelay?.Invoke(relay);
        services.AddNatsConnection(streaming);
        services.TryAddSingleton(relay);
        services.TryAddSingleton(static provider => new OutboxRelay(
            provider.GetRequiredService<IDomainEventOutbox>(),
            provider.GetRequiredService<INatsConnection>(),
            provider.GetRequiredService<NatsStreamingOptions>(),
            provider.GetRequiredService<OutboxRelayOptions>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OutboxRelay>>()));
        services.AddHostedService(static provider => provider.GetRequiredService<OutboxRelay>());
        return services;
    }

    /// <summary>
    /// The settings and one shared <see cref="INatsConnection"/> (with a clock), unless already registered: streamed
    /// ingest and the outbox relay use the same connection.
    /// </summary>
    internal static void AddNatsConnection(this IServiceCollection services, NatsStreamingOptions streaming)
    {
        services.TryAddSingleton(streaming);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<INatsConnection>(static provider =>
            NatsConnections.Create(provider.GetRequiredService<NatsStreamingOptions>(), "telematics", provider.GetService<ILoggerFactory>()));
    }
}
