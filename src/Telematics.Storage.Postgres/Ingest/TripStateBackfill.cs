using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Gives every trip stored before trips kept their state (migration 0009, <c>trips.state IS NULL</c>) its state, by
/// replaying the trip's stored raw events through the feature pipeline, as an upload that continues a trip does.
/// </summary>
/// <remarks>
/// <para>
/// Online and resumable: trips are rebuilt a driver at a time in batches of <see cref="TripStateBackfillOptions.BatchSize"/>,
/// each batch in its own short transaction that locks the driver's row like an upload does (so no upload reopens a trip
/// being rebuilt), and commits its trips with one audit row (<c>trips.backfill</c>). A stopped run loses at most its
/// open batch; the next run starts from the trips still without a state.
/// </para>
/// <para>
/// The replay of a batch starts one gap before its first trip (after the trip before it) and ends one pause after its
/// last, so the pipeline sees what it saw when the trips were first measured. A trip whose start the replay finds again
/// gets the replayed state, and its features are rewritten from the same replay, with the driver's stored phone evidence
/// (<c>phone_evidence</c>) where a phone covered it (the events and that evidence are the record; a vector that
/// differs, for example from a time zone changed since, is counted in <see cref="TripStateBackfillReport.Changed"/>). A
/// trip the replay does not find again (its events were archived and dropped) keeps no state and is counted in
/// <see cref="TripStateBackfillReport.Unrecoverable"/>: scoring a period that holds it fails that driver with a reason
/// rather than guess.
/// </para>
/// </remarks>
public sealed class TripStateBackfill
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TripStateBackfillOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the backfill.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="options">Batch size, pipeline options and the default time zone; defaults when null.</param>
    /// <param name="timeProvider">Clock for the audit rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is below 1.</exception>
    public TripStateBackfill(NpgsqlDataSource dataSource, TripStateBackfillOptions? options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new TripStateBackfillOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _dataSource = dataSource;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Number of trips still without a state.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count (served by the partial index of migration 0009).</returns>
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM trips WHERE state IS NULL");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Rebuilds the state of every trip without one, batch by batch.</summary>
    /// <param name="actor">Who runs it, recorded on each batch's audit row.</param>
    /// <param name="progress">Receives the running totals after each batch; may be null.</param>
    /// <param name="cancellationToken">Stops between batches or rolls back the open one; committed batches stay.</param>
    /// <returns>What was rebuilt, changed and could not be rebuilt.</returns>
    public async Task<TripStateBackfillReport> RunAsync(AuditActor actor, IProgress<TripStateBackfillReport>? progress = null, CancellationToken cancellationToken = default)
    {
        actor.Validate();
        var report = new TripStateBackfillReport();
        long driverId = 0;
        var after = DateTime.MinValue;
        while (await NextBatchAsync(driverId, after, cancellationToken).ConfigureAwait(false) is { } batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (rebuilt, changed, lost) = await RebuildAsync(batch, actor, cancellationToken).ConfigureAwait(false);
            report = report with
            {
                Batches = report.Batches + 1,
                Rebuilt = report.Rebuilt + rebuilt,
                Changed = report.Changed + changed,
                Unrecoverable = report.Unrecoverable + lost,
            };
            progress?.Report(report);
            driverId = batch.DriverId;
            after = batch.Trips[^1].StartedAt;
        }

        return report;
    }

    // The next trips without a state after (driver, start), of one driver, in start order.
    private async Task<PendingBatch?> NextBatchAsync(long driverId, DateTime after, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT t.driver_id, t.trip_id, t.started_at, t.ended_at, d.time_zone, t.features FROM trips t JOIN drivers d ON d.driver_id = t.driver_id " +
            "WHERE t.state IS NULL AND t.driver_id = (SELECT min(p.driver_id) FROM trips p WHERE p.state IS NULL AND (p.driver_id, p.started_at) > ($1, $2)) " +
            "AND (t.driver_id, t.started_at) > ($1, $2) ORDER BY t.started_at LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(after, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.BatchSize });
        var trips = new List<PendingTrip>(_options.BatchSize);
        long id = 0;
        string? zone = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            id = reader.GetInt64(0);
            zone = reader.IsDBNull(4) ? null : reader.GetString(4);
            trips.Add(new PendingTrip(reader.GetInt64(1), reader.GetFieldValue<DateTime>(2), reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<float[]>(5)));
        }

        return trips.Count == 0 ? null : new PendingBatch(id, zone, trips);
    }

    private async Task<(int Rebuilt, int Changed, int Lost)> RebuildAsync(PendingBatch batch, AuditActor actor, CancellationToken cancellationToken)
    {
        var segmentation = (_options.Pipeline ?? DriverPipelineOptions.Default).Segmentation;
        var zone = DriverFields.TryFindTimeZone(batch.TimeZone, out var found) ? found : _options.DefaultTimeZone;

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresUploadSession.LockDriverAsync(connection, transaction, batch.DriverId, cancellationToken).ConfigureAwait(false);

        long? previousEnd = null;
        await using (var previous = new NpgsqlCommand("SELECT max(ended_at) FROM trips WHERE driver_id = $1 AND started_at < $2", connection, transaction))
        {
            previous.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.DriverId });
            previous.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = batch.Trips[0].StartedAt });
            if (await previous.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime end)
            {
                previousEnd = PostgresTimestamp.UnixMs(end);
            }
        }

        // From the first trip's lead-in, as when an upload reopens a trip, to one pause after the last (what closed it).
        var from = TripReplayWindow.LeadInStart(PostgresTimestamp.UnixMs(batch.Trips[0].StartedAt), previousEnd, TripReplayWindow.GapMs(segmentation));
        var to = PostgresTimestamp.UnixMs(batch.Trips[^1].EndedAt) + TripReplayWindow.PauseMs(segmentation) + 1;
        // With the driver's stored phone evidence, so trips a phone covered get back the features they were closed with.
        var imu = new ImuTripEvidence();
        await PhoneEvidenceRows.ReadAsync(connection, transaction, batch.DriverId, from, to, imu, cancellationToken).ConfigureAwait(false);
        var (replayed, _) = await EventReplay.RunWithImuAsync(
            StoredEventReader.ReadAsync(connection, batch.DriverId, from, to, 8192, cancellationToken), zone, _options.Pipeline, imu, cancellationToken).ConfigureAwait(false);
        var byStart = new Dictionary<long, TripFeatures>(replayed.Count);
        foreach (var trip in replayed)
        {
            byStart[trip.StartUnixMs] = trip;
        }

        int rebuilt = 0, changed = 0, lost = 0;
        foreach (var pending in batch.Trips)
        {
            if (!byStart.TryGetValue(PostgresTimestamp.UnixMs(pending.StartedAt), out var trip))
            {
                lost++;
                continue;
            }

            await using var update = new NpgsqlCommand("UPDATE trips SET state = $2, features = $3 WHERE trip_id = $1 AND state IS NULL", connection, transaction);
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pending.TripId });
            update.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = trip.State, NpgsqlDbType = NpgsqlDbType.Bytea });
            update.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = trip.Features.ToArray() });
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                rebuilt++;
                changed += trip.Features.Span.SequenceEqual(pending.Features) ? 0 : 1;
            }
        }

        // Audited when something changed: trips that cannot be rebuilt stay as they were, and every start of every host
        // finds them again (the report and the log count them), which would add a row each time.
        if (rebuilt > 0)
        {
            var audit = string.Create(CultureInfo.InvariantCulture, $"{{\"rebuilt\":{rebuilt},\"changed\":{changed},\"unrecoverable\":{lost}}}");
            await AuditWriter.AppendAsync(
                connection, transaction, _timeProvider.GetUtcNow(), actor, "trips.backfill",
                string.Create(CultureInfo.InvariantCulture, $"driver/{batch.DriverId}"), null, audit, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (rebuilt, changed, lost);
    }

    private sealed record PendingTrip(long TripId, DateTime StartedAt, DateTime EndedAt, float[] Features);

    private sealed record PendingBatch(long DriverId, string? TimeZone, List<PendingTrip> Trips);
}
