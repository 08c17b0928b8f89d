using Npgsql;

using Telematics.Features.Pipeline;
using Telematics.Features.Trips;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Decides, inside an ingest session's transaction, whether an upload continues the driver's latest stored trip, and
/// when it does re-closes that trip from the stored raw events (see <see cref="StoredEventReplay"/>).
/// </summary>
/// <remarks>
/// An upload continues the latest trip when its first sample (time order) is at or after the trip's start and less
/// than <see cref="TripSegmentationOptions.MaxGapS"/> after its end: the gap that would not have ended the trip had
/// both parts arrived in one upload. The driver row is locked (<c>SELECT … FOR NO KEY UPDATE</c>) before the latest
/// trip is read, so two uploads of one driver decide one after the other and never both reopen the same trip; the
/// lock does not block writers that only reference the driver (trip and score inserts take <c>FOR KEY SHARE</c>).
/// </remarks>
internal sealed class TripContinuation(TimeZoneInfo zone, DriverPipelineOptions? options, int chunkSize)
{
    private readonly long _gapMs = (long)((options ?? DriverPipelineOptions.Default).Segmentation.MaxGapS * 1000.0);

    /// <summary>Locks the driver row for the rest of the transaction; false when the driver does not exist.</summary>
    public static async Task<bool> LockDriverAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM drivers WHERE driver_id = $1 FOR NO KEY UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The driver's latest stored trip when an upload starting at <paramref name="firstUnixMs"/> continues it, else null.</summary>
    public async Task<StoredTripSpan?> FindContinuedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, long firstUnixMs, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT t.trip_id, t.started_at, t.ended_at, (SELECT max(p.ended_at) FROM trips p WHERE p.driver_id = t.driver_id AND p.started_at < t.started_at) " +
            "FROM trips t WHERE t.driver_id = $1 ORDER BY t.started_at DESC LIMIT 1",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var start = UnixMs(reader.GetFieldValue<DateTime>(1));
        var end = UnixMs(reader.GetFieldValue<DateTime>(2));
        if (firstUnixMs < start || firstUnixMs - end >= _gapMs)
        {
            return null;
        }

        // The replay starts up to one gap before the trip, after the previous trip: the samples the pipeline saw just before
        // the trip began (the idle lead-in) set the cleaner's, deriver's and segmenter's state at its first sample exactly as
        // in the upload that opened it; they cannot form a trip of their own (a trip would have started there).
        var replayFrom = start - _gapMs;
        if (!reader.IsDBNull(3))
        {
            replayFrom = Math.Max(replayFrom, UnixMs(reader.GetFieldValue<DateTime>(3)) + 1);
        }

        return new StoredTripSpan(reader.GetInt64(0), start, end, Math.Min(replayFrom, start));
    }

    /// <summary>Replays the stored events from just before the trip's start (the upload's own events already merged) and deletes the old trip row.</summary>
    /// <returns>The re-closed trips in time order (none, and the old row kept, when its events are gone), and the samples cleaning dropped in the replay.</returns>
    public async Task<(List<TripFeatures> Trips, long Dropped)> ReopenAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, StoredTripSpan trip, CancellationToken cancellationToken)
    {
        var replayed = await StoredEventReplay.RunAsync(connection, driverId, trip.ReplayFromUnixMs, zone, options, chunkSize, cancellationToken).ConfigureAwait(false);
        if (replayed.Trips.Count == 0)
        {
            // The trip's events are no longer stored (its month archived and dropped): keep the row rather than lose the trip.
            return replayed;
        }

        await using var delete = new NpgsqlCommand("DELETE FROM trips WHERE trip_id = $1", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = trip.TripId });
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return replayed;
    }

    private static long UnixMs(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
}

/// <summary>The id and time span of a stored trip, and where its replay starts, ms since the Unix epoch, UTC.</summary>
internal readonly record struct StoredTripSpan(long TripId, long StartUnixMs, long EndUnixMs, long ReplayFromUnixMs);
