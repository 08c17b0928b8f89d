using System.Globalization;

using Npgsql;

using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Stores sample buffers in <c>telematics_events</c> through binary COPY, idempotently: a sample already stored
/// (same driver, event id and timestamp) is skipped, so a batch may be re-sent after any failure.
/// </summary>
/// <remarks>
/// A batch is one transaction: it is stored whole, with its audit row, or not at all (a connection lost mid-COPY
/// leaves nothing). The fast path copies straight into the partitioned table; only when that meets a duplicate
/// does the batch go through a temporary staging table and <c>INSERT … ON CONFLICT DO NOTHING</c>.
/// Partitions for the batch's months are created before the batch when missing. Thread-safe.
/// </remarks>
public sealed class EventIngestor : IUploadStore
{
    internal const string Columns =
        "driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the ingestor.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="partitions">Creates partitions on demand for the months a batch touches.</param>
    /// <param name="timeProvider">Clock for audit rows.</param>
    public EventIngestor(NpgsqlDataSource dataSource, PartitionManager partitions, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _partitions = partitions;
        _timeProvider = timeProvider;
    }

    /// <summary>Stores the samples of one driver as one all-or-nothing batch, with an <c>events.ingest</c> audit row when any was new.</summary>
    /// <param name="driverId">
    /// The driver the samples belong to (need not exist in <c>drivers</c>: devices may report first), but not one that was
    /// erased: raw events have no foreign key, so an ingest running while its driver was erased would store them for nobody.
    /// </param>
    /// <param name="samples">The samples; not modified.</param>
    /// <param name="actor">Who sends them, for the batch's audit row.</param>
    /// <param name="cancellationToken">Cancels the batch; nothing of it is stored then.</param>
    /// <returns>How many samples were received and how many were new.</returns>
    /// <exception cref="NpgsqlException">
    /// The connection failed; the batch may be re-sent. A commit whose answer was lost is looked up once the server answers
    /// again (for up to 30 s), so the exception means the batch is not stored, or that the server did not come back in time.
    /// </exception>
    /// <exception cref="KeyNotFoundException">The driver was erased (a <c>driver.delete</c> audit row); nothing is stored.</exception>
    public async Task<IngestResult> IngestAsync(long driverId, SampleBuffer samples, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        actor.Validate();
        if (samples.Count == 0)
        {
            return new IngestResult(0, 0);
        }

        var (months, firstMs, lastMs) = Scan(samples.TimestampUnixMs);
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        await RefuseErasedDriverAsync(connection, transaction, driverId, cancellationToken).ConfigureAwait(false);
        await _partitions.EnsureMonthsAsync(connection, transaction, months, actor, cancellationToken).ConfigureAwait(false);
        var stored = await EventCopyEncoder.TryCopyNewAsync(connection, transaction, driverId, samples, cancellationToken).ConfigureAwait(false)
            ?? await StageAndMergeAsync(connection, transaction, driverId, samples, cancellationToken).ConfigureAwait(false);

        // A batch that stores nothing (a re-sent file) changes no data, so it leaves no audit row either.
        await durable.CommitAsync(
            token => stored > 0
                ? AuditWriter.AppendAndCommitAsync(
                    connection, transaction, _timeProvider.GetUtcNow(), actor, "events.ingest", string.Create(CultureInfo.InvariantCulture, $"driver/{driverId}"),
                    null, string.Create(CultureInfo.InvariantCulture, $"{{\"received\":{samples.Count},\"stored\":{stored},\"from_unix_ms\":{firstMs},\"to_unix_ms\":{lastMs}}}"),
                    token)
                : transaction.CommitAsync(token),
            cancellationToken).ConfigureAwait(false);
        return new IngestResult(samples.Count, stored);
    }

    /// <summary>Whether any event of the driver is stored (an index probe on the primary key's leading column).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns><see langword="true"/> when at least one event is stored.</returns>
    public async Task<bool> HasEventsAsync(long driverId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM telematics_events WHERE driver_id = $1)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Opens a session that stores one driver's streamed upload, chunk after chunk, as one all-or-nothing batch (<see cref="IngestSession"/>).</summary>
    /// <param name="driverId">The driver the events belong to (must exist in <c>drivers</c> when trips are added).</param>
    /// <param name="actor">Who sends them, for the audit rows.</param>
    /// <param name="cancellationToken">Cancels opening the session.</param>
    /// <returns>The session, holding one connection; commit it, and dispose it in every case.</returns>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public Task<IngestSession> BeginSessionAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default) =>
        IngestSession.BeginAsync(this, driverId, actor, cancellationToken);

    /// <summary>
    /// Opens an upload as one transaction on one pooled connection, held until it is committed or disposed: the storage
    /// side of <see cref="IngestSession"/> and <see cref="EventStreamIngestor"/>.
    /// </summary>
    /// <param name="driverId">The driver the events belong to.</param>
    /// <param name="actor">Who sends them, for the audit row.</param>
    /// <param name="cancellationToken">Cancels opening the upload.</param>
    /// <returns>The open upload.</returns>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public async Task<IUploadSession> BeginUploadAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default) =>
        await PostgresUploadSession.BeginAsync(_dataSource, _partitions, _timeProvider, driverId, actor, WriteDomainEvents, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Opens one transaction on one pooled connection for several drivers' uploads (<see cref="IUploadGroup"/>): their
    /// events in one COPY, their audit rows and the commit in one round trip. <see cref="EventStreamIngestor.StoreBatchesAsync"/>
    /// stores a stream's batches through it.
    /// </summary>
    /// <param name="cancellationToken">Cancels opening the group.</param>
    /// <returns>The open group; commit it, and dispose it in every case.</returns>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public async Task<IUploadGroup?> BeginUploadGroupAsync(CancellationToken cancellationToken = default) =>
        await PostgresUploadGroup.BeginAsync(_dataSource, _partitions, _timeProvider, WriteDomainEvents, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Whether an upload that closes trips also leaves a <c>TripCompleted</c> event per stored trip in
    /// <c>domain_event_outbox</c>, in the upload's transaction. Default false (see <see cref="TelematicsPostgresOptions.WriteDomainEvents"/>).
    /// </summary>
    public bool WriteDomainEvents { get; init; }

    /// <summary>
    /// Holds an existing driver's row for the batch (FOR KEY SHARE: an erasure, which takes FOR UPDATE, waits for the batch,
    /// or the batch for the erasure), and refuses a driver with no row whose erasure is on record.
    /// </summary>
    internal static async Task RefuseErasedDriverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM drivers WHERE driver_id = $1 FOR KEY SHARE", connection, transaction))
        {
            hold.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            if (await hold.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return; // erasing deletes the row, and ids are not reused
            }
        }

        // A statement of its own, so that in READ COMMITTED it sees an erasure the lock above waited for.
        await using var erased = new NpgsqlCommand(null, connection, transaction);
        if (await DriverRepository.WasErasedAsync(erased, driverId, cancellationToken).ConfigureAwait(false))
        {
            throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"Driver {driverId} was erased; its events are not stored."));
        }
    }

    private static async Task<long> StageAndMergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, SampleBuffer samples, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS telematics_events_staging (LIKE telematics_events) ON COMMIT DELETE ROWS",
            connection,
            transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await EventCopyEncoder.CopyAsync(connection, "telematics_events_staging", driverId, samples, cancellationToken).ConfigureAwait(false);
        // ORDER BY the key: two writers merging overlapping batches lock rows in the same order and cannot deadlock.
        await using var merge = new NpgsqlCommand(
            $"INSERT INTO telematics_events ({Columns}) SELECT DISTINCT ON (driver_id, ts, event_id) {Columns} FROM telematics_events_staging " +
            "ORDER BY driver_id, ts, event_id ON CONFLICT DO NOTHING",
            connection,
            transaction);
        var stored = await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var clear = new NpgsqlCommand("TRUNCATE telematics_events_staging", connection, transaction);
        await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    internal static (List<PartitionMonth> Months, long FirstMs, long LastMs) Scan(ReadOnlySpan<long> timestamps)
    {
        var months = new List<PartitionMonth>(2);
        long first = long.MaxValue, last = long.MinValue;
        var previous = default(PartitionMonth);
        foreach (var ts in timestamps)
        {
            first = Math.Min(first, ts);
            last = Math.Max(last, ts);
            // Samples outside 2000–2199 go to DEFAULT; samples arrive in time order, so a month seldom repeats.
            if (PartitionMonth.TryFromUnixMs(ts, out var month) && month != previous && !months.Contains(month))
            {
                months.Add(month);
                previous = month;
            }
        }

        return (months, first, last);
    }
}
