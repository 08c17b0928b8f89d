using System.Globalization;

using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Creates or updates, idempotently, the event stream (with duplicate detection on <c>Nats-Msg-Id</c>), the dead-letter
/// stream and one durable pull consumer per partition. Publishers and workers both call it at start: whichever comes
/// first creates, the others find the same configuration.
/// </summary>
public sealed class EventStreamTopology
{
    // JetStream's error code for a stream that does not exist.
    internal const int StreamNotFound = 10059;

    private readonly INatsJSContext _js;
    private readonly NatsStreamingOptions _connection;
    private readonly StreamIngestOptions _options;

    /// <summary>Creates the topology over a JetStream context.</summary>
    /// <param name="js">The JetStream context.</param>
    /// <param name="connection">The prefix and replica count.</param>
    /// <param name="options">Partitions, ack wait, duplicate window, age.</param>
    public EventStreamTopology(INatsJSContext js, NatsStreamingOptions connection, StreamIngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _js = js;
        _connection = connection;
        _options = options;
        Names = new EventStreamNames(connection.SubjectPrefix, options.Partitions);
    }

    /// <summary>The subjects, streams and consumers.</summary>
    public EventStreamNames Names { get; }

    /// <summary>Creates or updates both streams.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>A task that completes when both exist with this configuration.</returns>
    /// <exception cref="NatsJSException">JetStream refused a configuration (e.g. more replicas than servers).</exception>
    /// <exception cref="InvalidOperationException">
    /// A stream of that name holds another prefix's subjects: the two prefixes differ only in case or in <c>-</c> against
    /// <c>_</c>, which stream names do not tell apart.
    /// </exception>
    public async Task EnsureStreamsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStreamAsync(
            Names.EventWildcard,
            Stream(Names.EventStream, Names.EventWildcard, "Telematics event batches, one subject per driver partition (docs/streaming.md)."),
            cancellationToken).ConfigureAwait(false);
        await EnsureStreamAsync(
            Names.DeadLetterWildcard,
            Stream(Names.DeadLetterStream, Names.DeadLetterWildcard, "Telematics event batches that could not be stored, with the reason in a header."),
            cancellationToken).ConfigureAwait(false);
    }

    // The stream name is the prefix upper-cased with '-' as '_' (kept so that deployed streams keep their names), so two
    // prefixes can share it; updating the other book's stream would take its subjects away from it. A stream created by
    // the other book between this look and the update is refused by the server as a different configuration.
    private async Task EnsureStreamAsync(string ours, StreamConfig config, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await _js.GetStreamAsync(config.Name!, cancellationToken: cancellationToken).ConfigureAwait(false);
            var subjects = existing.Info.Config.Subjects?.ToArray() ?? [];
            if (!subjects.Contains(ours, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The NATS stream '{config.Name}' holds the subjects '{string.Join("', '", subjects)}', not '{ours}': it belongs to another "
                    + $"book whose subject prefix differs from '{Names.Prefix}' only in case or in '-' against '_'. Give this book a prefix (Nats:SubjectPrefix) that differs in letters or digits.");
            }
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // Not there yet: created below.
        }

        await _js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
    }

    // Both streams: replicated file storage, duplicates dropped by batch id, kept for MaxAge. Limits retention, also for
    // streams created now: the workers delete settled batches from the event stream themselves (IngestWorker.Settled.cs),
    // which deployed streams, whose retention cannot be changed, need anyway.
    private StreamConfig Stream(string name, string subjects, string description) => new(name, [subjects])
    {
        NumReplicas = _connection.Replicas,
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        DuplicateWindow = _options.DuplicateWindow,
        MaxAge = _options.MaxAge,

        // Direct gets: any replica answers a read of one message (an operator inspecting a batch or a dead letter).
        AllowDirect = true,
        Description = description,
    };

    // The hand-overs of batches a worker gave up waiting for its database on (IngestWorker.Storing.cs), by batch id: those
    // deliveries are no fault of the batch and must not count towards MaxDeliveries, which JetStream's delivery count
    // includes. A key-value bucket, since the next delivery may reach any worker; written and read only on those rare paths.
    private string HandOverBucket => Names.EventStream + "_HANDOVERS";

    // Records one more hand-over of batchId; the bucket is created on first need (and again after NATS lost it).
    internal async Task RecordHandOverAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var store = await new NatsKVContext(_js).CreateOrUpdateStoreAsync(
            new NatsKVConfig(HandOverBucket)
            {
                MaxAge = _options.MaxAge,
                NumberOfReplicas = _connection.Replicas,
                Storage = NatsKVStorageType.File,
                Description = "Telematics event batches handed to another worker while this one's database was unreachable, by batch id.",
            },
            cancellationToken).ConfigureAwait(false);
        var key = batchId.ToString("N");

        // One worker holds a batch at a time (max-ack-pending 1): no other writer of this key to race.
        var entry = await store.TryGetEntryAsync<string>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        var count = entry.Success ? ulong.Parse(entry.Value.Value!, CultureInfo.InvariantCulture) : 0;
        await store.PutAsync(key, (count + 1).ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // How many times batchId was handed over for an outage; 0 when never (or the bucket is gone).
    internal async Task<ulong> HandOversAsync(Guid batchId, CancellationToken cancellationToken)
    {
        INatsKVStore store;
        try
        {
            store = await new NatsKVContext(_js).GetStoreAsync(HandOverBucket, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return 0;
        }

        var entry = await store.TryGetEntryAsync<string>(batchId.ToString("N"), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success ? ulong.Parse(entry.Value.Value!, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Creates or updates the durable consumer of <paramref name="partition"/>.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The consumer, shared by every worker that pulls this partition.</returns>
    public async Task<INatsJSConsumer> EnsureConsumerAsync(int partition, CancellationToken cancellationToken = default) =>
        await _js.CreateOrUpdateConsumerAsync(
            Names.EventStream,
            new ConsumerConfig(EventStreamNames.Consumer(partition))
            {
                FilterSubject = Names.EventSubject(partition),
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                DeliverPolicy = ConsumerConfigDeliverPolicy.All,

                // One batch in flight per partition, whichever worker holds it: a driver's batches are stored in order.
                MaxAckPending = 1,
                AckWait = _options.AckWait,

                // Unlimited: a batch is redelivered until stored or dead-lettered by a worker (MaxDeliveries), never dropped silently.
                MaxDeliver = -1,
                NumReplicas = _connection.Replicas,
            },
            cancellationToken).ConfigureAwait(false);
}
