using System.Globalization;

using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Events;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Outbox;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// An upload (<see cref="IUploadSession"/>) as one PostgreSQL transaction on one pooled connection, held until it is
/// committed or disposed. An upload of several chunks binary-COPies them into a temporary staging table (its own column
/// list, so the partitioned table is not locked while the upload runs); the merge creates the months' partitions and
/// inserts the staged rows with <c>ON CONFLICT DO NOTHING</c>. An upload of one chunk (a phone's or a stream's batch) is
/// held in memory and COPied straight into <c>telematics_events</c> at the merge, in a savepoint: no staging table, no
/// second write of every row, and a multi-row insert instead of one speculative insert per row. Only when that COPY meets
/// a stored event (a re-sent or overlapping batch) is the chunk staged and merged instead.
/// </summary>
internal sealed partial class PostgresUploadSession : IUploadSession
{
    private const string StagingTable = "telematics_events_upload";

    /// <summary>
    /// The latest possibly moving sample of driver $1 in ($2, $3) (speed at or above $4, or unknown), the latest one
    /// after a pause of at least $5 since the one before it (or the first), and the latest sample of any speed. Served
    /// by the events' key index, per month.
    /// </summary>
    internal const string UntrippedTailSql =
        "SELECT max(ts), max(ts) FILTER (WHERE since IS NULL OR since >= $5), " +
        "(SELECT max(ts) FROM telematics_events WHERE driver_id = $1 AND ts > $2 AND ts < $3) FROM (" +
        "SELECT ts, ts - lag(ts) OVER (ORDER BY ts) AS since FROM telematics_events " +
        "WHERE driver_id = $1 AND ts > $2 AND ts < $3 AND (speed_mps IS NULL OR speed_mps >= $4)) moving";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _timeProvider;
    private readonly AuditActor _actor;
    private readonly List<PartitionMonth> _months = [];

    // The session's own connection and transaction; null for a group's member (the group owns and commits them).
    private DurableTransaction? _own;
    private bool _released;
    private bool _writeDomainEvents;
    private long? _replacedTripId;
    private AuditChange? _audit;
    private SampleBuffer? _held;
    private bool _staged;
    private bool _driverLocked;

    // A member of an upload group: the group owns the connection and transaction, merges the held chunk, and commits.
    private PostgresUploadGroup? _group;
    private long? _mergedByGroup;

    private PostgresUploadSession(NpgsqlConnection connection, NpgsqlTransaction transaction, PartitionManager partitions, TimeProvider timeProvider, long driverId, AuditActor actor)
    {
        _connection = connection;
        _transaction = transaction;
        _partitions = partitions;
        _timeProvider = timeProvider;
        DriverId = driverId;
        _actor = actor;
    }

    public long DriverId { get; }

    /// <summary>Who uploads, for the audit rows.</summary>
    internal AuditActor Actor => _actor;

    /// <summary>The months the appended events fall in.</summary>
    internal IReadOnlyList<PartitionMonth> Months => _months;

    /// <summary>The one chunk a member holds until its group merges it.</summary>
    internal SampleBuffer? Held => _held;

    /// <summary>The audit row the upload will commit with, if any.</summary>
    internal AuditChange? Audit => _audit;

    /// <summary>Opens a member upload on a group's connection and transaction (<see cref="PostgresUploadGroup.Join"/>).</summary>
    internal static PostgresUploadSession Member(
        PostgresUploadGroup group, NpgsqlConnection connection, NpgsqlTransaction transaction, PartitionManager partitions, TimeProvider timeProvider,
        long driverId, AuditActor actor, bool writeDomainEvents) =>
        new(connection, transaction, partitions, timeProvider, driverId, actor) { _group = group, _writeDomainEvents = writeDomainEvents };

    /// <summary>Records that the group stored the held chunk (<paramref name="stored"/> rows): the member's merge writes nothing.</summary>
    internal void MergedByGroup(long stored)
    {
        _held = null;
        _mergedByGroup = stored;
    }

    internal static async Task<PostgresUploadSession> BeginAsync(
        NpgsqlDataSource dataSource, PartitionManager partitions, TimeProvider timeProvider, long driverId, AuditActor actor, bool writeDomainEvents, CancellationToken cancellationToken)
    {
        actor.Validate();
        var own = await DurableTransaction.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        return new PostgresUploadSession(own.Connection, own.Transaction, partitions, timeProvider, driverId, actor) { _writeDomainEvents = writeDomainEvents, _own = own };
    }

    public async Task AppendAsync(SampleBuffer samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return;
        }

        foreach (var month in EventIngestor.Scan(samples.TimestampUnixMs).Months)
        {
            if (!_months.Contains(month))
            {
                _months.Add(month);
            }
        }

        if (_group is not null && _held is not null)
        {
            throw new InvalidOperationException("A member of an upload group holds one chunk; store a larger upload on its own.");
        }

        if (!_staged && _held is null)
        {
            // A copy: the caller may reuse its chunk once this returns.
            _held = new SampleBuffer(samples.Count);
            _held.AddRange(samples);
            return;
        }

        await StageHeldAsync(cancellationToken).ConfigureAwait(false);
        await EventCopyEncoder.CopyAsync(_connection, StagingTable, DriverId, samples, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> LockDriverAsync(CancellationToken cancellationToken = default) =>
        _driverLocked = await LockDriverAsync(_connection, _transaction, DriverId, cancellationToken).ConfigureAwait(false);

    /// <summary>Locks the driver row for the rest of the transaction; false when the driver does not exist.</summary>
    internal static async Task<bool> LockDriverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        // FOR NO KEY UPDATE does not block writers that only reference the driver (trip and score inserts take FOR KEY SHARE).
        await using var command = new NpgsqlCommand("SELECT 1 FROM drivers WHERE driver_id = $1 FOR NO KEY UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task<bool> ClaimBatchAsync(Guid batchId, CancellationToken cancellationToken = default)
    {
        // ON CONFLICT DO NOTHING waits for an uncommitted claim of the same id, then inserts only if that one rolled back.
        await using var claim = new NpgsqlCommand(
            "INSERT INTO ingest_batches (batch_id, driver_id) VALUES ($1, $2) ON CONFLICT (batch_id) DO NOTHING", _connection, _transaction);
        claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batchId });
        claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
        try
        {
            return await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The claim is the batch's first write: a driver that is gone shows here, as the same error the driver check raises.
            throw new KeyNotFoundException(
                string.Create(CultureInfo.InvariantCulture, $"No driver {DriverId}: it does not exist or was erased; nothing is stored."), e);
        }
    }

    public async Task<long> MergeAsync(CancellationToken cancellationToken = default)
    {
        if (_group is not null)
        {
            return _mergedByGroup ?? throw new InvalidOperationException("A member of an upload group is merged by the group (IUploadGroup.MergeAsync) first.");
        }

        if (!_driverLocked && (_held is not null || _staged))
        {
            // An upload that did not lock its driver (one that continues no trip) holds the row as a plain ingest does:
            // raw events have no foreign key, and an erasure must not run past it or be followed by it.
            await EventIngestor.RefuseErasedDriverAsync(_connection, _transaction, DriverId, cancellationToken).ConfigureAwait(false);
        }

        await _partitions.EnsureMonthsAsync(_connection, _transaction, _months, _actor, cancellationToken).ConfigureAwait(false);
        if (_held is { } held)
        {
            if (await EventCopyEncoder.TryCopyNewAsync(_connection, _transaction, DriverId, held, cancellationToken).ConfigureAwait(false) is { } copied)
            {
                _held = null;
                return copied;
            }

            // Some of these events are stored already: nothing of the COPY stayed, and the merge below skips those.
            await StageHeldAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_staged)
        {
            return 0;
        }

        // ORDER BY the key: two sessions merging overlapping uploads lock rows in the same order and cannot deadlock.
        await using var merge = new NpgsqlCommand(
            $"INSERT INTO telematics_events ({EventIngestor.Columns}) SELECT DISTINCT ON (driver_id, ts, event_id) {EventIngestor.Columns} " +
            $"FROM {StagingTable} ORDER BY driver_id, ts, event_id ON CONFLICT DO NOTHING",
            _connection,
            _transaction);
        return await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredTripSpan?> ReadLatestTripAsync(CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            "SELECT t.trip_id, t.started_at, t.ended_at, (SELECT max(p.ended_at) FROM trips p WHERE p.driver_id = t.driver_id AND p.started_at < t.started_at) " +
            "FROM trips t WHERE t.driver_id = $1 ORDER BY t.started_at DESC LIMIT 1",
            _connection,
            _transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredTripSpan(
            reader.GetInt64(0),
            PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1)),
            PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(2)),
            reader.IsDBNull(3) ? null : PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(3)));
    }

    public async Task<UntrippedTail> ReadUntrippedTailAsync(long afterUnixMs, long beforeUnixMs, float stationarySpeedMps, long pauseMs, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(UntrippedTailSql, _connection, _transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(afterUnixMs).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(beforeUnixMs).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<float> { TypedValue = stationarySpeedMps });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = TimeSpan.FromMilliseconds(pauseMs) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return default;
        }

        return new UntrippedTail(UnixMsOrNull(reader, 0), UnixMsOrNull(reader, 1), UnixMsOrNull(reader, 2));
    }

    public IAsyncEnumerable<SampleBuffer> ReadEventsAsync(long fromUnixMs, int chunkSize, CancellationToken cancellationToken = default) =>
        StoredEventReader.ReadAsync(_connection, DriverId, fromUnixMs, long.MaxValue, chunkSize, cancellationToken);

    public async Task DeleteTripAsync(long tripId, CancellationToken cancellationToken = default)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM trips WHERE trip_id = $1 AND driver_id = $2", _connection, _transaction);
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tripId });
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _replacedTripId = tripId;
    }

    public Task<StoredTripRange> InsertTripsAsync(IReadOnlyList<TripFeatures> trips, CancellationToken cancellationToken = default) =>
        InsertAsync(trips, null, cancellationToken);

    public Task<StoredTripRange> InsertTripsWithImuAsync(IReadOnlyList<TripFeatures> trips, ImuTripEvidence imu, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imu);
        return InsertAsync(trips, imu, cancellationToken);
    }

    private async Task<StoredTripRange> InsertAsync(IReadOnlyList<TripFeatures> trips, ImuTripEvidence? imu, CancellationToken cancellationToken)
    {
        var inserted = _writeDomainEvents || imu is not null ? new List<(int Index, long TripId)>(trips.Count) : null;
        var (stored, first, last) = await TripRepository.InsertManyAsync(_connection, _transaction, DriverId, trips, cancellationToken, inserted).ConfigureAwait(false);
        if (imu is not null && inserted is { Count: > 0 })
        {
            await TripManoeuvreWriter.WriteAsync(_connection, DriverId, trips, inserted, imu, cancellationToken).ConfigureAwait(false);
        }

        // The first trip re-closes the one a continuation deleted (it starts where that one started).
        await AppendTripEventsAsync(trips, inserted, index => index == 0 ? _replacedTripId : null, cancellationToken).ConfigureAwait(false);
        return new StoredTripRange(stored, first, last);
    }

    // One TripCompleted per stored trip in the outbox, in this transaction, when the store writes domain events.
    private async Task AppendTripEventsAsync(IReadOnlyList<TripFeatures> trips, List<(int Index, long TripId)>? inserted, Func<int, long?> replaces, CancellationToken cancellationToken)
    {
        if (!_writeDomainEvents || inserted is not { Count: > 0 })
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var events = new List<DomainEvent>(inserted.Count);
        foreach (var (index, tripId) in inserted)
        {
            var trip = trips[index];
            events.Add(DomainEvents.TripCompleted(
                DriverId, tripId, DateTimeOffset.FromUnixTimeMilliseconds(trip.StartUnixMs), DateTimeOffset.FromUnixTimeMilliseconds(trip.EndUnixMs),
                trip.DistanceKm, replaces(index), now));
        }

        await OutboxWriter.AppendAsync(_connection, events, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds the upload's audit row until the commit, which sends both at once (see <see cref="AuditWriter.AppendAndCommitAsync"/>).</summary>
    public Task AppendAuditAsync(AuditChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_audit is not null)
        {
            throw new InvalidOperationException("An upload has one audit row.");
        }

        _audit = change;
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) =>
        _own is { } own ? own.CommitAsync(Commit, cancellationToken)
        : Task.CompletedTask; // a group's member: the group commits every member with its audit row

    private Task Commit(CancellationToken cancellationToken) =>
        _audit is { } change
            ? AuditWriter.AppendAndCommitAsync(
                _connection, _transaction, _timeProvider.GetUtcNow(), _actor, change.Action, change.Resource, null, change.After, cancellationToken)
            : _transaction.CommitAsync(cancellationToken);

    /// <summary>Rolls back an uncommitted upload (nothing of it is stored) and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;

        // A member's are the group's: disposing the group rolls back what it did not commit. Disposing an uncommitted
        // transaction rolls it back; the temporary table goes with it (ON COMMIT DROP or rollback).
        if (_own is not null)
        {
            await _own.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Creates the staging table on first use and moves the held chunk into it.</summary>
    private async Task StageHeldAsync(CancellationToken cancellationToken)
    {
        if (!_staged)
        {
            // Own column list, not LIKE telematics_events: LIKE would lock the partitioned table for the rest of the session,
            // and creating a month's partition (on another connection) would then wait on this session.
            await using var create = new NpgsqlCommand(
                $"CREATE TEMP TABLE {StagingTable} (driver_id bigint NOT NULL, event_id bigint NOT NULL, ts timestamptz NOT NULL, " +
                "latitude_deg double precision NOT NULL, longitude_deg double precision NOT NULL, speed_mps real, heading_deg real, " +
                "long_accel_mps2 real, lat_accel_mps2 real, gps_accuracy_m real, speed_limit_mps real, road_class smallint NOT NULL, " +
                "flags smallint NOT NULL) ON COMMIT DROP",
                _connection,
                _transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _staged = true;
        }

        if (_held is { } held)
        {
            _held = null;
            await EventCopyEncoder.CopyAsync(_connection, StagingTable, DriverId, held, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long? UnixMsOrNull(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(ordinal));
}
