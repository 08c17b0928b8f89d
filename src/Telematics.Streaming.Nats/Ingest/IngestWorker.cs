using Microsoft.Extensions.Logging;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Stores the event stream's batches through the idempotent ingest (<see cref="EventStreamIngestor.StoreBatchesAsync"/>),
/// pulling every partition's durable consumer one batch at a time and acknowledging a batch only after its upload committed.
/// </summary>
/// <remarks>
/// <para>
/// Any number of workers, in any processes, pull the same consumers. A consumer lets one batch be unacknowledged at a time
/// (max-ack-pending 1), so whichever worker holds a partition's batch, the partition's next batch waits for its commit: each
/// driver's batches are stored in publish order. A worker that dies holding a batch leaves it unacknowledged; after the ack
/// wait JetStream hands it to another worker. A batch whose commit succeeded but whose ack was lost is delivered again and
/// finds its id already recorded: it stores nothing (at-least-once delivery, exactly-once stored effect).
/// </para>
/// <para>
/// A batch whose content is at fault — a damaged envelope, a bad record, an unknown time zone, a driver published on another
/// partition — goes at once to <c>{prefix}.deadletter.events.&lt;partition&gt;</c> with the reason in a header and is
/// terminated on the event stream, so the partition moves on. A batch the database cannot take for now (down, restarting,
/// failing over: <see cref="TransientStoreFailure"/>) is kept by its worker and stored again with back-off for two ack
/// waits, then handed to another worker (its database may be unreachable from this worker only), uncounted. A batch that
/// fails for another reason (a driver that does not exist) is handed back with back-off and dead-lettered after
/// <see cref="StreamIngestOptions.MaxDeliveries"/> deliveries, which an outage does not add to.
/// A batch whose driver was erased (<see cref="Erasures"/>) is dropped instead: an erasure leaves no positions behind.
/// </para>
/// </remarks>
public sealed partial class IngestWorker
{
    private readonly EventStreamTopology _topology;
    private readonly EventStreamIngestor _ingestor;
    private readonly INatsJSContext _js;
    private readonly StreamIngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BatchCommitter _committer;

    // Batches this worker stored (or found stored): whether the database serves others while one batch keeps timing out.
    private long _commits;

    // How long a pull waits for a batch; also how long a stopping worker may take to see its last pulls end.
    private static readonly TimeSpan PullExpiry = TimeSpan.FromSeconds(2);

    // How long past PullExpiry a stopping worker waits for a pull that does not end (NATS unreachable).
    private static readonly TimeSpan PullGrace = TimeSpan.FromSeconds(3);

    // How long a partition may see no batch before the worker checks that its consumer still exists (one info request).
    private static readonly TimeSpan ConsumerCheckInterval = TimeSpan.FromSeconds(15);

    // A batch handed over for an outage (HandOverAsync) is redelivered after this, while the partition's pulls of the worker
    // that handed it over wait HandOverPause: the other workers' pulls, re-issued every PullExpiry, are there to take it.
    private static readonly TimeSpan HandOverNakDelay = TimeSpan.FromSeconds(1);

    // Until when each partition's pulls pause after a hand-over (time-provider timestamps).
    private readonly long[] _pausedUntil;

    // Set by a hand-over, cleared by the next commit: while the database stays unreachable from this worker, a batch it takes
    // is handed over after one failed attempt, not after HandOverAfter again, so each costs the book seconds, not minutes.
    private volatile bool _storeUnreachable;

    // How long a batch is kept while this worker's database cannot take it before it is handed to another worker: two ack
    // waits, a few attempts in place (1, 2, 4 … s), so a restart or a failover is still waited out by the worker at hand.
    private TimeSpan HandOverAfter => _options.AckWait * 2;

    // One ack wait: long enough for another worker to take the batch, short enough that this one soon helps again once its
    // database is back (in an outage of every worker's database, how late a partition may start again after it).
    private TimeSpan HandOverPause => _options.AckWait;

    /// <summary>Creates a worker.</summary>
    /// <param name="name">The worker's name, in logs and as the audit actor of batches that name none.</param>
    /// <param name="js">The JetStream context.</param>
    /// <param name="topology">The streams and consumers.</param>
    /// <param name="ingestor">The idempotent ingest batches are stored through.</param>
    /// <param name="options">Ack wait, deliveries before dead-lettering.</param>
    /// <param name="time">The clock of the lag measure.</param>
    /// <param name="logger">Where the worker logs (ids only, never samples).</param>
    public IngestWorker(
        string name, INatsJSContext js, EventStreamTopology topology, EventStreamIngestor ingestor, StreamIngestOptions options, TimeProvider time, ILogger<IngestWorker> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(ingestor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Name = name;
        _js = js;
        _topology = topology;
        _ingestor = ingestor;
        _options = options;
        _time = time;
        _logger = logger;
        _committer = new BatchCommitter(ingestor, options.MaxBatchesPerCommit, options.ConcurrentCommits);
        _pausedUntil = new long[topology.Names.Partitions];
    }

    /// <summary>The worker's name.</summary>
    public string Name { get; }

    /// <summary>Told of each batch this worker stores (<see cref="IStoredBatchObserver"/>); set before <c>RunAsync</c>.</summary>
    /// <value>Default: none.</value>
    public IReadOnlyList<IStoredBatchObserver> Observers { get; set; } = [];

    /// <summary>
    /// Where the worker learns that a batch's missing driver was erased (the storage's <see cref="IDriverErasures"/>; the
    /// hosted workers take it from the services). Such a batch — held by a worker while its driver was erased — is then
    /// dropped at once, not retried and dead-lettered with its positions; so is a batch of an erased driver that would be
    /// dead-lettered for its content (a bad record or zone, a wrong partition). Without it, it is treated as the batch of a
    /// driver that never existed, and dead-lettered. Set before <c>RunAsync</c>.
    /// </summary>
    /// <value>Default: none.</value>
    public IDriverErasures? Erasures { get; set; }

    /// <summary>Pulls and stores batches of every partition until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops the worker; a batch being stored is rolled back and handed back to the stream.</param>
    /// <returns>A task that completes when the worker stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await RetryAsync(() => _topology.EnsureStreamsAsync(cancellationToken), -1, cancellationToken).ConfigureAwait(false);
        IngestWorkerLog.Started(_logger, Name, _topology.Names.Partitions, _topology.Names.EventStream);
        // A pull is not abandoned when the worker stops: a batch the server hands to an abandoned pull would be delivered to
        // nobody and hold its partition for the whole ack wait. Pulls end by themselves within PullExpiry; one that hangs (NATS
        // unreachable) is cut a grace period later.
        using var pullsEnd = new CancellationTokenSource();
        using var stopping = cancellationToken.Register(() => pullsEnd.CancelAfter(PullExpiry + PullGrace));
        var partitions = new Task[_topology.Names.Partitions + 1];
        for (var p = 0; p < _topology.Names.Partitions; p++)
        {
            partitions[p] = PullAsync(p, pullsEnd.Token, cancellationToken);
        }

        partitions[^1] = _committer.RunAsync(cancellationToken);

        try
        {
            await Task.WhenAll(partitions).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
        finally
        {
            await FlushAsync().ConfigureAwait(false);
        }
    }

    // Acks and naks are written to the connection and sent in the background; a ping's answer means the server has read every
    // one before it. Without it, a caller that closes the connection as soon as the worker stopped may drop the naks of the
    // batches handed back, which would then wait out the ack wait.
    private async Task FlushAsync()
    {
        try
        {
            await SendWithinTimeoutAsync(async timeout => await _js.Connection.PingAsync(timeout).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (NatsException)
        {
            // Without a connection the ack wait hands the batches over instead.
        }
    }

    // Sends an ack, a nak or a ping whether or not the worker is stopping meanwhile (a batch neither acknowledged nor refused
    // would hold its partition for the whole ack wait), giving up after PublishTimeout (a connection being re-established):
    // a batch whose answer was not sent is redelivered after the ack wait, and its id tells whether it was stored.
    private async Task SendWithinTimeoutAsync(Func<CancellationToken, ValueTask> send)
    {
        using var timeout = new CancellationTokenSource(_options.PublishTimeout);
        try
        {
            await send(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // Not sent in time; see above.
        }
    }

    private async Task PullAsync(int partition, CancellationToken pullToken, CancellationToken cancellationToken)
    {
        // Never two pulls of one partition in a worker: the consumer hands out one batch at a time anyway.
        var next = new NatsJSNextOpts { Expires = PullExpiry };
        INatsJSConsumer? consumer = null;
        var lastSeen = _time.GetTimestamp();

        // One delete of a settled batch in flight at a time: it overlaps the next pull rather than delaying it.
        var deleting = Task.CompletedTask;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var paused = Volatile.Read(ref _pausedUntil[partition]) - _time.GetTimestamp();
                    if (paused > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)paused / _time.TimestampFrequency), _time, cancellationToken).ConfigureAwait(false);
                    }

                    consumer ??= await EnsureConsumerAsync(partition, cancellationToken).ConfigureAwait(false);
                    var msg = await consumer.NextAsync<NatsMemoryOwner<byte>>(opts: next, cancellationToken: pullToken).ConfigureAwait(false);
                    if (msg is null && _time.GetElapsedTime(lastSeen) >= ConsumerCheckInterval)
                    {
                        // A pull of a consumer that no longer exists (its stream deleted) ends empty, like one that found no
                        // batch: a partition idle this long asks whether its consumer is still there, and the failure (not
                        // found) has it, and the stream if need be, created again below.
                        lastSeen = _time.GetTimestamp();
                        await consumer.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (msg is { } delivered)
                    {
                        lastSeen = _time.GetTimestamp();
                        using var data = delivered.Data;
                        if (cancellationToken.IsCancellationRequested)
                        {
                            // Pulled as the worker stops: handed back at once.
                            await HandBackAsync(delivered).ConfigureAwait(false);
                            return;
                        }

                        if (await HandleAsync(partition, delivered, data.Memory, cancellationToken).ConfigureAwait(false)
                            && delivered.Metadata?.Sequence.Stream is { } settled and > 0)
                        {
                            await deleting.ConfigureAwait(false);
                            deleting = DeleteSettledAsync(partition, settled);
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (NatsException e)
                {
                    // NATS down, a leader election, the consumer lost: the batch in flight (if any) is redelivered; pull again.
                    IngestWorkerLog.PullFailed(_logger, e, Name, partition);
                    consumer = null;
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Anything else (a bug) must not silently end this partition's pulls while the others go on: logged, and the
                    // batch in flight (if any) is redelivered after the ack wait.
                    IngestWorkerLog.PartitionFailed(_logger, e, Name, partition);
                    consumer = null;
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await deleting.ConfigureAwait(false);
        }
    }

    private async Task<INatsJSConsumer> EnsureConsumerAsync(int partition, CancellationToken cancellationToken)
    {
        try
        {
            return await _topology.EnsureConsumerAsync(partition, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == EventStreamTopology.StreamNotFound)
        {
            // The stream is gone (NATS's storage lost, an operator's reset): created again, with its consumers, rather than
            // asked for a consumer it cannot have until the worker restarts.
            IngestWorkerLog.StreamMissing(_logger, Name, _topology.Names.EventStream, partition);
            await _topology.EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
            return await _topology.EnsureConsumerAsync(partition, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RetryAsync(Func<Task> action, int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action().ConfigureAwait(false);
                return;
            }
            catch (NatsException e) when (attempts < 0 || attempt < attempts)
            {
                IngestWorkerLog.PullFailed(_logger, e, Name, -1);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
