using Npgsql;

using Telematics.Features.Pipeline;
using Telematics.Features.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Decides, inside an ingest session's transaction, whether an upload continues what the driver's earlier uploads
/// began, and when it does re-closes it from the stored raw events (see <see cref="StoredEventReplay"/>).
/// </summary>
/// <remarks>
/// <para>
/// An upload continues the latest trip when its first sample (time order) is at or after the trip's start and less
/// than <see cref="TripSegmentationOptions.MaxGapS"/> after its end: the gap that would not have ended the trip had
/// both parts arrived in one upload.
/// </para>
/// <para>
/// Otherwise it may continue a start too short to be a trip on its own (under <see cref="TripSegmentationOptions.MinDurationS"/>
/// or <see cref="TripSegmentationOptions.MinDistanceM"/>), which its upload stored as events only: a phone that uploads
/// every 30 s sends nothing but such parts. The stored samples after the latest trip that may be moving (speed at or
/// above <see cref="TripSegmentationOptions.StationarySpeedMps"/>, or unknown) are looked at, back to the last pause
/// between two of them long enough to end any trip (<see cref="TripSegmentationOptions.MaxGapS"/> +
/// <see cref="TripSegmentationOptions.MaxStationaryS"/>, erring long), and no further back than <see cref="TailLookback"/>.
/// If the latest of them is within that pause of the upload, the replay starts one gap before the first of them.
/// Otherwise, when the latest stored sample of any speed is closer to the upload than the gap, the replay starts one gap
/// before that sample: a trip the upload starts begins at the idle sample just before its first moving one.
/// </para>
/// <para>
/// The driver row is locked (<c>SELECT … FOR NO KEY UPDATE</c>) before anything is read, so two uploads of one driver
/// decide one after the other and never both reopen the same trip; the lock does not block writers that only reference
/// the driver (trip and score inserts take <c>FOR KEY SHARE</c>).
/// </para>
/// </remarks>
internal sealed class TripContinuation(TimeZoneInfo zone, DriverPipelineOptions? options, int chunkSize)
{
    /// <summary>
    /// How far before an upload stored samples that made no trip are looked at: one hour. A start that has not made a
    /// trip in an hour moved under 500 m in it, in bursts between stops; older parts of it are not re-read.
    /// </summary>
    public static readonly TimeSpan TailLookback = TimeSpan.FromHours(1);

    private readonly TripSegmentationOptions _segmentation = (options ?? DriverPipelineOptions.Default).Segmentation;

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

    private long GapMs => GapMsOf(_segmentation);

    // Time between two possibly moving samples that ends any trip, whether as a gap, a stationary spell or both.
    private long PauseMs => PauseMsOf(_segmentation);

    /// <summary>The gap that ends a trip, ms.</summary>
    internal static long GapMsOf(TripSegmentationOptions segmentation) => (long)(segmentation.MaxGapS * 1000.0);

    /// <summary>Time between two possibly moving samples that ends any trip, whether as a gap, a stationary spell or both, ms.</summary>
    internal static long PauseMsOf(TripSegmentationOptions segmentation) => (long)((segmentation.MaxGapS + segmentation.MaxStationaryS) * 1000.0);

    /// <summary>
    /// Where a replay that re-measures a trip starting at <paramref name="tripStartMs"/> begins: one gap before it (the
    /// idle lead-in sets the cleaner's, deriver's and segmenter's state at its first sample as in the upload that opened
    /// it), but after the previous trip's end when there is one (its samples cannot form a trip of their own).
    /// </summary>
    internal static long LeadInStart(long tripStartMs, long? previousTripEndMs, long gapMs)
    {
        var from = tripStartMs - gapMs;
        if (previousTripEndMs is { } end)
        {
            from = Math.Max(from, end + 1);
        }

        return Math.Min(from, tripStartMs);
    }

    /// <summary>Locks the driver row for the rest of the transaction; false when the driver does not exist.</summary>
    public static async Task<bool> LockDriverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM drivers WHERE driver_id = $1 FOR NO KEY UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>What an upload starting at <paramref name="firstUnixMs"/> continues (see the remarks), else null.</summary>
    public async Task<ContinuationStart?> FindContinuedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, long firstUnixMs, CancellationToken cancellationToken)
    {
        long? afterTripMs = null;
        await using (var command = new NpgsqlCommand(
            "SELECT t.trip_id, t.started_at, t.ended_at, (SELECT max(p.ended_at) FROM trips p WHERE p.driver_id = t.driver_id AND p.started_at < t.started_at) " +
            "FROM trips t WHERE t.driver_id = $1 ORDER BY t.started_at DESC LIMIT 1",
            connection,
            transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var start = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1));
                var end = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(2));
                if (firstUnixMs < start)
                {
                    // Late data from before the latest trip: it is stored, but reopens nothing.
                    return null;
                }

                if (firstUnixMs - end < GapMs)
                {
                    // The replay starts at the trip's idle lead-in, after the previous trip (see LeadInStart).
                    long? previousEnd = reader.IsDBNull(3) ? null : PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(3));
                    return new ContinuationStart(reader.GetInt64(0), LeadInStart(start, previousEnd, GapMs));
                }

                afterTripMs = end;
            }
        }

        return await FindUntrippedStartAsync(connection, transaction, driverId, firstUnixMs, afterTripMs, cancellationToken).ConfigureAwait(false);
    }

    // A start stored by earlier uploads that made no trip (see the remarks), after the latest trip's end if there is one.
    private async Task<ContinuationStart?> FindUntrippedStartAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, long firstUnixMs, long? afterTripMs, CancellationToken cancellationToken)
    {
        var lowerMs = Math.Max(afterTripMs ?? long.MinValue, firstUnixMs - (long)TailLookback.TotalMilliseconds);
        await using var command = new NpgsqlCommand(UntrippedTailSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(lowerMs).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(firstUnixMs).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<float> { TypedValue = _segmentation.StationarySpeedMps });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = TimeSpan.FromMilliseconds(PauseMs) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(2))
        {
            return null;
        }

        if (!reader.IsDBNull(0) && firstUnixMs - PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(0)) < PauseMs)
        {
            var firstMoving = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1));
            return new ContinuationStart(null, Math.Max(lowerMs + 1, firstMoving - GapMs));
        }

        // Whatever moved before has ended (had it been a trip, it would be stored). A stored idle sample closer than the
        // gap still belongs to what the upload starts: a trip begins at the idle sample just before its first moving one,
        // and motion is derived from the sample before; so the replay takes it in, with the usual lead-in.
        var lastAny = PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(2));
        return firstUnixMs - lastAny < GapMs ? new ContinuationStart(null, Math.Max(lowerMs + 1, lastAny - GapMs)) : null;
    }

    /// <summary>Replays the stored events from the continuation's start (the upload's own events already merged) and deletes the continued trip's old row.</summary>
    /// <returns>The re-closed trips in time order (none, and the old row kept, when its events are gone), and the samples cleaning dropped in the replay.</returns>
    public async Task<(List<TripFeatures> Trips, long Dropped)> ReopenAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, ContinuationStart start, CancellationToken cancellationToken)
    {
        var replayed = await StoredEventReplay.RunAsync(connection, driverId, start.ReplayFromUnixMs, zone, options, chunkSize, cancellationToken).ConfigureAwait(false);
        if (replayed.Trips.Count == 0 || start.TripId is not { } tripId)
        {
            // Nothing to replace: a start that still makes no trip, or a trip whose events are no longer stored (its month
            // archived and dropped), whose row is kept rather than the trip lost.
            return replayed;
        }

        await using var delete = new NpgsqlCommand("DELETE FROM trips WHERE trip_id = $1", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tripId });
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return replayed;
    }
}

/// <summary>What an upload continues: the stored trip reopened (null for a start that made no trip yet), and where the replay starts, ms since the Unix epoch, UTC.</summary>
internal readonly record struct ContinuationStart(long? TripId, long ReplayFromUnixMs);
