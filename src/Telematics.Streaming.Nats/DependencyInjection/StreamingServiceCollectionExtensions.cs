using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Ingest;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers streamed ingest on NATS JetStream: the connection, the stream topology, the publisher and the ingest workers.</summary>
public static class StreamingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the NATS connection (<see cref="INatsConnection"/>, <see cref="INatsJSContext"/>), the
    /// <see cref="EventStreamTopology"/> and the <see cref="EventBatchPublisher"/>, as singletons.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connection">Sets the server (<see cref="NatsStreamingOptions.Url"/>, required), prefix and replicas.</param>
    /// <param name="ingest">Sets partitions, batch size and timeouts; defaults when null.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">At resolution: no server URL was configured.</exception>
    public static IServiceCollection AddTelematicsStreamIngest(
        this IServiceCollection services, Action<NatsStreamingOptions> connection, Action<StreamIngestOptions>? ingest = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        var nats = new NatsStreamingOptions();
        connection(nats);
        var options = new StreamIngestOptions();
        ingest?.Invoke(options);
        Validate(nats, options);

        services.AddNatsConnection(nats);
        services.TryAddSingleton(options);
        services.TryAddSingleton<INatsJSContext>(provider => new NatsJSContext((NatsConnection)provider.GetRequiredService<INatsConnection>()));
        services.TryAddSingleton<EventStreamTopology>();
        services.TryAddSingleton<EventBatchPublisher>();
        services.TryAddSingleton<EventStreamErasure>();
        return services;
    }

    /// <summary>
    /// Runs <paramref name="workers"/> ingest workers in the host (a hosted service), storing the stream's batches through
    /// the ingest <c>AddTelematics</c> registers. Needs <see cref="AddTelematicsStreamIngest"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="workers">Workers in this process, 1–64; each pulls every partition.</param>
    /// <param name="waitUntilReady">Awaited before the workers start (e.g. until the database is migrated); null: start at once.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddTelematicsIngestWorkers(
        this IServiceCollection services, int workers = 1, Func<IServiceProvider, CancellationToken, Task>? waitUntilReady = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workers, 64);
        services.AddSingleton(new IngestWorkerCount(workers, waitUntilReady));
        services.AddSingleton<IHostedService, IngestWorkerService>();
        return services;
    }

    private static void Validate(NatsStreamingOptions nats, StreamIngestOptions options)
    {
        if (string.IsNullOrWhiteSpace(nats.Url))
        {
            throw new InvalidOperationException(
                $"Streamed ingest needs a NATS server: set ConnectionStrings:{NatsStreamingOptions.ConfigurationName} or {NatsStreamingOptions.EnvironmentVariable} (scripts/nats.sh url NAME prints one).");
        }

        if (nats.Replicas is < 1 or > 5)
        {
            throw new InvalidOperationException($"Nats replicas must be 1–5, not {nats.Replicas}.");
        }

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true))
        {
            throw new InvalidOperationException("Stream ingest options are invalid: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }

        if (options.AckWait < TimeSpan.FromSeconds(3) || options.PublishTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Stream ingest AckWait must be at least 3 s and PublishTimeout positive.");
        }
    }
}
