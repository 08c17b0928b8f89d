using Telematics.Api.Storage;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Api.Ingest;

/// <summary>
/// The NATS JetStream side of ingest: <c>Ingest:Mode=stream</c> publishes uploads to the event stream,
/// <c>Ingest:Workers=N</c> runs N ingest workers in the host. Neither, with a NATS server: only what erasure needs of the
/// event stream (uploads stay direct). No server: nothing of NATS is registered. Either way
/// <see cref="StoredBatchRefresh"/> follows each stored upload, direct or streamed.
/// </summary>
internal static class StreamIngestSetup
{
    /// <summary>The section of the stream's own settings (<c>Nats:SubjectPrefix</c>, <c>Nats:Replicas</c>, <c>Nats:Ingest:Partitions</c>, …).</summary>
    public const string SectionName = "Nats";

    /// <summary>Registers the publisher and/or the workers; fails at start-up when they are asked for without a server.</summary>
    public static IServiceCollection AddTelematicsIngestStreaming(this IServiceCollection services, IConfiguration configuration)
    {
        var ingest = configuration.GetSection(IngestOptions.SectionName);
        services.AddSingleton<StoredBatchRefresh>();
        var streams = string.Equals(ingest[nameof(IngestOptions.Mode)], IngestOptions.StreamMode, StringComparison.Ordinal);
        var workers = ingest.GetValue<int>(nameof(IngestOptions.Workers));
        var found = NatsStreamingOptions.FindUrl(configuration.GetConnectionString(NatsStreamingOptions.ConfigurationName));
        if (!streams && workers <= 0 && found is null)
        {
            return services;
        }

        var url = found ?? throw new InvalidOperationException(
            $"Ingest:Mode=stream and Ingest:Workers need a NATS server: set ConnectionStrings:{NatsStreamingOptions.ConfigurationName} or " +
            $"{NatsStreamingOptions.EnvironmentVariable} (scripts/nats.sh start NAME prints one).");
        var section = configuration.GetSection(SectionName);
        // With a NATS server the stream side is registered even for direct uploads: gateways or another host may put this
        // book's raw batches on the event stream, and deleting a driver here must erase them there too (EventStreamErasure).
        services.AddTelematicsStreamIngest(
            nats =>
            {
                section.Bind(nats);
                nats.Url = url;
            },
            options => section.GetSection("Ingest").Bind(options));
        if (workers > 0)
        {
            services.AddSingleton<Telematics.Streaming.Nats.Ingest.IStoredBatchObserver>(provider => provider.GetRequiredService<StoredBatchRefresh>());
            // The workers start once the migrations are applied (the migrator keeps retrying while the database is down).
            services.AddTelematicsIngestWorkers(workers, static async (provider, cancellationToken) =>
            {
                var migrator = provider.GetRequiredService<DatabaseMigrator>();
                while (!await migrator.WaitUntilAppliedAsync(TimeSpan.FromSeconds(5), cancellationToken))
                {
                }
            });
        }

        return services;
    }
}
