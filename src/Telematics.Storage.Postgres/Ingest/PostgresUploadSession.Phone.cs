using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Ingest;

// The phone-recording side of an upload: the driver's stored phone evidence read for a replay and written for a recording,
// and the stored trips a recording covers re-measured in place (PhoneRecordingStore).
internal sealed partial class PostgresUploadSession
{
    public Task ReadPhoneEvidenceAsync(long fromUnixMs, long toUnixMs, ImuTripEvidence destination, CancellationToken cancellationToken = default) =>
        PhoneEvidenceRows.ReadAsync(_connection, _transaction, DriverId, fromUnixMs, toUnixMs, destination, cancellationToken);

    /// <summary>Stores a phone recording's evidence for the driver in this transaction (see <see cref="PhoneEvidenceRows.StoreAsync"/>).</summary>
    internal Task<long> StorePhoneEvidenceAsync(ImuTripEvidence imu, CancellationToken cancellationToken) =>
        PhoneEvidenceRows.StoreAsync(_connection, _transaction, DriverId, imu, cancellationToken);

    /// <summary>The driver's stored trips that overlap [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>], in start order, each with the end of the trip before it.</summary>
    internal async Task<List<StoredTripSpan>> ReadTripsOverlappingAsync(long fromUnixMs, long toUnixMs, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT t.trip_id, t.started_at, t.ended_at, (SELECT max(p.ended_at) FROM trips p WHERE p.driver_id = t.driver_id AND p.started_at < t.started_at) " +
            "FROM trips t WHERE t.driver_id = $1 AND t.started_at <= $3 AND t.ended_at >= $2 ORDER BY t.started_at",
            _connection,
            _transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(fromUnixMs).UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(toUnixMs).UtcDateTime });
        var trips = new List<StoredTripSpan>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            trips.Add(new StoredTripSpan(
                reader.GetInt64(0),
                PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(1)),
                PostgresTimestamp.UnixMs(reader.GetFieldValue<DateTime>(2)),
                UnixMsOrNull(reader, 3)));
        }

        return trips;
    }

    /// <summary>The driver's stored events in [<paramref name="fromUnixMs"/>, <paramref name="toUnixMs"/>), in time and event id order.</summary>
    internal IAsyncEnumerable<SampleBuffer> ReadEventsAsync(long fromUnixMs, long toUnixMs, int chunkSize, CancellationToken cancellationToken) =>
        StoredEventReader.ReadAsync(_connection, DriverId, fromUnixMs, toUnixMs, chunkSize, cancellationToken);

    /// <summary>
    /// Replaces stored trips by their re-measured versions (same start): each old row (and its manoeuvres) is deleted, the new
    /// one inserted with its manoeuvres from <paramref name="imu"/>, and its <c>TripCompleted</c> names the row it replaces.
    /// </summary>
    /// <returns>The new trip ids, in the order given.</returns>
    internal async Task<List<long>> ReplaceTripsAsync(IReadOnlyList<(long OldTripId, TripFeatures Trip)> replacements, ImuTripEvidence imu, CancellationToken cancellationToken)
    {
        var trips = new List<TripFeatures>(replacements.Count);
        foreach (var (oldTripId, trip) in replacements)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM trips WHERE trip_id = $1 AND driver_id = $2", _connection, _transaction);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = oldTripId });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DriverId });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            trips.Add(trip);
        }

        var inserted = new List<(int Index, long TripId)>(trips.Count);
        await TripRepository.InsertManyAsync(_connection, _transaction, DriverId, trips, cancellationToken, inserted).ConfigureAwait(false);
        await TripManoeuvreWriter.WriteAsync(_connection, DriverId, trips, inserted, imu, cancellationToken).ConfigureAwait(false);
        await AppendTripEventsAsync(trips, inserted, index => replacements[index].OldTripId, cancellationToken).ConfigureAwait(false);
        var ids = new List<long>(inserted.Count);
        foreach (var (_, tripId) in inserted)
        {
            ids.Add(tripId);
        }

        return ids;
    }
}
