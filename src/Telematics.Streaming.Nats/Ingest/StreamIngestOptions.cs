using System.ComponentModel.DataAnnotations;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// How streamed ingest lays out its JetStream stream and how workers consume it. Every publisher and worker of one book
/// must agree on <see cref="Partitions"/>: it decides which subject a driver's batches go to.
/// </summary>
public sealed class StreamIngestOptions
{
    /// <summary>The largest partition count (subjects and consumers per stream stay few).</summary>
    public const int MaxPartitions = 1024;

    /// <summary>Partitions of the event stream: subjects <c>{prefix}.events.0</c> … and one consumer each.</summary>
    /// <value>Default 16: more than the workers' useful concurrency on a few machines, few enough for one consumer each.</value>
    [Range(1, MaxPartitions)]
    public int Partitions { get; set; } = 16;

    /// <summary>Samples per published batch; an upload with more is split into consecutive batches of the same driver.</summary>
    /// <value>Default 8,192: 58 bytes each, about 476 KB, under NATS's default 1 MB message limit.</value>
    [Range(1, 16_384)]
    public int MaxBatchSamples { get; set; } = 8_192;

    /// <summary>How long a publisher waits for JetStream's acknowledgement before reporting the stream unavailable.</summary>
    /// <value>Default 5 s: long enough for a leader election in a 3-node cluster.</value>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a delivered batch may stay unacknowledged before JetStream gives it to another worker; a worker reports
    /// progress on a long batch, so this bounds only how soon a dead worker's batch is taken over.
    /// </summary>
    /// <value>Default 30 s.</value>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deliveries of a batch that fails to store for a reason other than its content (the database refuses it, the driver
    /// does not exist) before it goes to the dead-letter subject; its partition waits meanwhile, as order demands. A
    /// database that cannot take the batch for now (down, restarting, failing over, read-only) adds no delivery: the
    /// worker keeps the batch and stores it again for two ack waits, then hands it to another worker, and such hand-overs
    /// are not counted.
    /// </summary>
    /// <value>Default 5 (backing off 1, 2, 4, 8 s between them).</value>
    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>
    /// Store attempts a worker makes in place, per delivery, of a batch failing with a statement timeout, a deadlock or a
    /// lock timeout while the database is up (other batches commit), before handing it back like a refused batch: it then
    /// counts towards <see cref="MaxDeliveries"/> and is dead-lettered after them, rather than holding its partition for
    /// ever (a trip whose replay always outlasts the timeout). An outage (connection refused, a shutdown, a failover) is
    /// still waited out however long it lasts.
    /// </summary>
    /// <value>Default 3: a deadlock or a lock timeout rarely repeats three times, and the batch still gets 3 × 5 attempts.</value>
    [Range(1, 100)]
    public int MaxStatementAttempts { get; set; } = 3;

    /// <summary>
    /// Batches a worker stores in one transaction at most: the batches its partitions hold at the same moment (one per
    /// partition, so of different drivers) go in together — one COPY of their events, one commit — whenever storing falls
    /// behind. 1 stores every batch in its own transaction.
    /// </summary>
    /// <value>
    /// Default 16: PostgreSQL spends about as much CPU per statement and commit of a few hundred events as on the events, and
    /// grouping stops paying past a dozen batches, while a group's batches wait for its one commit.
    /// </value>
    [Range(1, 256)]
    public int MaxBatchesPerCommit { get; set; } = 16;

    /// <summary>
    /// Transactions a worker runs at once, each storing up to <see cref="MaxBatchesPerCommit"/> batches: while one waits on a
    /// round trip to the database, another uses the CPU.
    /// </summary>
    /// <value>Default 2.</value>
    [Range(1, 64)]
    public int ConcurrentCommits { get; set; } = 2;

    /// <summary>How long JetStream remembers a batch id to drop a second publish of it (<c>Nats-Msg-Id</c>).</summary>
    /// <value>Default 10 min: a gateway's retries after a lost publish acknowledgement fall well within it.</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the event stream keeps a batch no worker has settled, and the dead-letter stream its batches. A settled
    /// batch (stored, dead-lettered or dropped) is deleted from the event stream by the worker that settled it.
    /// </summary>
    /// <value>Default 7 days: time to notice a stopped consumer or inspect a dead letter.</value>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);
}
