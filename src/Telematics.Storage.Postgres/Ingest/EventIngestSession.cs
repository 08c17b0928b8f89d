using System.Globalization;

using Npgsql;

using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Features.Schema;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// One driver's events arriving in many chunks (a streamed upload), stored as one all-or-nothing batch with the trips
/// they closed: nothing is visible until <see cref="CommitAsync"/>, and disposing an uncommitted session stores nothing.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="AppendAsync"/> copies its chunk by binary COPY into a temporary staging table of the session's open
/// transaction, so memory stays one chunk whatever the upload's size. <see cref="CommitAsync"/> creates the partitions
/// of the months seen, merges the staging rows into <c>telematics_events</c> with <c>ON CONFLICT DO NOTHING</c> (events
/// already stored — same driver, event id and timestamp — count as duplicates), inserts the trips passed to
/// <see cref="AddTrip"/> (a trip already stored is skipped), writes the batch's one audit row (<c>events.ingest</c>, with the
/// new trips' id range; none when the upload changed nothing) and commits.
/// </para>
/// <para>
/// The session holds one pooled connection from <see cref="EventIngestor.BeginSessionAsync"/> until it is committed or
/// disposed. Not thread-safe: one call at a time.
/// </para>
/// </remarks>
public sealed class EventIngestSession : IAsyncDisposable
{
    private const string StagingTable = "telematics_events_upload";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly PartitionManager _partitions;
    private readonly TimeProvider _timeProvider;
    private readonly AuditActor _actor;
    private readonly List<PartitionMonth> _months = [];
    private readonly List<TripFeatures> _trips = [];
    private long _received;
    private long _firstMs = long.MaxValue;
    private long _lastMs = long.MinValue;
    private bool _finished;

    private EventIngestSession(NpgsqlConnection connection, NpgsqlTransaction transaction, PartitionManager partitions, TimeProvider timeProvider, long driverId, AuditActor actor)
    {
        _connection = connection;
        _transaction = transaction;
        _partitions = partitions;
        _timeProvider = timeProvider;
        DriverId = driverId;
        _actor = actor;
    }

    /// <summary>The driver every event and trip of the session belongs to.</summary>
    public long DriverId { get; }

    /// <summary>Events appended so far.</summary>
    public long Received => _received;

    /// <summary>Trips added so far (stored at commit unless already stored).</summary>
    public int TripCount => _trips.Count;

    internal static async Task<EventIngestSession> BeginAsync(
        NpgsqlDataSource dataSource, PartitionManager partitions, TimeProvider timeProvider, long driverId, AuditActor actor, CancellationToken cancellationToken)
    {
        actor.Validate();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Own column list, not LIKE telematics_events: LIKE would lock the partitioned table for the whole session,
            // and creating a month's partition at commit (on another connection) would then wait on this session.
            await using var create = new NpgsqlCommand(
                $"CREATE TEMP TABLE {StagingTable} (driver_id bigint NOT NULL, event_id bigint NOT NULL, ts timestamptz NOT NULL, " +
                "latitude_deg double precision NOT NULL, longitude_deg double precision NOT NULL, speed_mps real, heading_deg real, " +
                "long_accel_mps2 real, lat_accel_mps2 real, gps_accuracy_m real, speed_limit_mps real, road_class smallint NOT NULL, " +
                "flags smallint NOT NULL) ON COMMIT DROP",
                connection,
                transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new EventIngestSession(connection, transaction, partitions, timeProvider, driverId, actor);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stages the next chunk of the driver's events; nothing is visible to others until commit.</summary>
    /// <param name="samples">The chunk; not modified, and free for reuse once the call returns.</param>
    /// <param name="cancellationToken">Cancels the copy; the session is then unusable and stores nothing.</param>
    /// <exception cref="InvalidOperationException">The session was committed or disposed.</exception>
    /// <exception cref="NpgsqlException">The connection failed; nothing of the session is stored.</exception>
    public async Task AppendAsync(SampleBuffer samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ThrowIfFinished();
        if (samples.Count == 0)
        {
            return;
        }

        var (months, first, last) = EventIngestor.Scan(samples.TimestampUnixMs);
        foreach (var month in months)
        {
            if (!_months.Contains(month))
            {
                _months.Add(month);
            }
        }

        _firstMs = Math.Min(_firstMs, first);
        _lastMs = Math.Max(_lastMs, last);
        await EventCopyEncoder.CopyAsync(_connection, StagingTable, DriverId, samples, cancellationToken).ConfigureAwait(false);
        _received += samples.Count;
    }

    /// <summary>Adds a trip the feature pipeline closed; it is stored with its feature vector at commit.</summary>
    /// <param name="trip">The trip, its <see cref="TelematicsFeatures.Schema"/> vector (29 values) and its state, as the pipeline measured it.</param>
    /// <exception cref="ArgumentException">The trip has no state, or a vector that is not its state's (see <see cref="TripRepository.WriteClosedTripAsync"/>).</exception>
    /// <exception cref="InvalidOperationException">The session was committed or disposed.</exception>
    public void AddTrip(TripFeatures trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        TripRepository.CheckTrip(trip, nameof(trip));
        AddMeasuredTrip(trip);
    }

    /// <summary>
    /// Adds a trip the caller's own pipeline just measured (its vector written from the same totals as its state), without
    /// <see cref="AddTrip"/>'s check: re-reading every state of an upload's trips would only confirm the pipeline.
    /// </summary>
    internal void AddMeasuredTrip(TripFeatures trip)
    {
        ThrowIfFinished();
        _trips.Add(trip);
    }

    /// <summary>Stores every staged event and added trip, with the batch's audit row, in the session's one transaction.</summary>
    /// <param name="cancellationToken">Cancels the commit; nothing is stored then.</param>
    /// <returns>Events received and newly stored, and trips newly stored.</returns>
    /// <exception cref="InvalidOperationException">The session was already committed or disposed.</exception>
    /// <exception cref="PostgresException">A trip's driver does not exist (23503); nothing is stored.</exception>
    public async Task<SessionIngestResult> CommitAsync(CancellationToken cancellationToken = default) =>
        (await CommitStreamAsync(null, cancellationToken).ConfigureAwait(false)).Result;

    /// <summary>
    /// Commits like <see cref="CommitAsync"/>; with <paramref name="continuation"/>, an upload that
    /// continues the driver's latest stored trip re-closes it from the stored events in place of the trips added.
    /// </summary>
    internal async Task<(SessionIngestResult Result, double DistanceKm)> CommitStreamAsync(TripContinuation? continuation, CancellationToken cancellationToken)
    {
        ThrowIfFinished();
        _finished = true;
        try
        {
            // First statement of the commit, before any audit write: uploads of one driver decide one after the other.
            if (continuation is not null && _received > 0)
            {
                await TripContinuation.LockDriverAsync(_connection, _transaction, DriverId, cancellationToken).ConfigureAwait(false);
            }

            long stored = 0;
            if (_received > 0)
            {
                await _partitions.EnsureMonthsAsync(_connection, _transaction, _months, _actor, cancellationToken).ConfigureAwait(false);

                // ORDER BY the key: two sessions merging overlapping uploads lock rows in the same order and cannot deadlock.
                await using var merge = new NpgsqlCommand(
                    $"INSERT INTO telematics_events ({EventIngestor.Columns}) SELECT DISTINCT ON (driver_id, ts, event_id) {EventIngestor.Columns} " +
                    $"FROM {StagingTable} ORDER BY driver_id, ts, event_id ON CONFLICT DO NOTHING",
                    _connection,
                    _transaction);
                stored = await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            long? continued = null;
            if (continuation is not null && _received > 0
                && await continuation.FindContinuedAsync(_connection, _transaction, DriverId, _firstMs, cancellationToken).ConfigureAwait(false) is { } open)
            {
                _trips.Clear();
                if (stored > 0)
                {
                    // The upload's events are merged: the replay sees the trip's stored part and the new one, in time order.
                    var (replayed, _) = await continuation.ReopenAsync(_connection, _transaction, DriverId, open, cancellationToken).ConfigureAwait(false);
                    _trips.AddRange(replayed);

                    continued = replayed.Count > 0 ? open.TripId : null;
                }

                // Nothing new (a re-sent upload): the stored trip already holds these events, so nothing changes.
            }

            var now = _timeProvider.GetUtcNow();
            double km = 0;
            foreach (var trip in _trips)
            {
                km += trip.DistanceKm;
            }

            // The upload's trips go in with as few round trips as possible; its one audit row names them.
            var (tripsStored, firstTrip, lastTrip) = await TripRepository.InsertManyAsync(_connection, _transaction, DriverId, _trips, cancellationToken).ConfigureAwait(false);

            // A re-sent upload that changes nothing leaves no audit row, as a re-sent batch does not.
            if (stored > 0 || tripsStored > 0 || continued is not null)
            {
                var after = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"received\":{_received},\"stored\":{stored},\"from_unix_ms\":{_firstMs},\"to_unix_ms\":{_lastMs},\"trips\":{tripsStored}{TripIds(firstTrip, lastTrip)}{Continued(continued)}}}");
                await AuditWriter.AppendAsync(
                    _connection, _transaction, now, _actor, "events.ingest",
                    string.Create(CultureInfo.InvariantCulture, $"driver/{DriverId}"), null, after, cancellationToken).ConfigureAwait(false);
            }

            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (new SessionIngestResult(_received, stored, _trips.Count, tripsStored) { ContinuedTripId = continued }, km);
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Rolls back an uncommitted session (nothing of it is stored) and returns the connection to the pool.</summary>
    /// <returns>A task that completes when the connection is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private static string TripIds(long first, long last) =>
        first == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",\"first_trip_id\":{first},\"last_trip_id\":{last}");

    private static string Continued(long? tripId) =>
        tripId is { } id ? string.Create(CultureInfo.InvariantCulture, $",\"continued_trip_id\":{id}") : string.Empty;

    private async ValueTask ReleaseAsync()
    {
        // Disposing an uncommitted transaction rolls it back; the temporary table goes with it (ON COMMIT DROP or rollback).
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The ingest session was already committed or disposed.");
        }
    }
}
