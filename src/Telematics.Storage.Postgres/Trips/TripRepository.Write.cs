using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Features.Aggregation;
using Telematics.Features.Imu;
using Telematics.Features.Pipeline;
using Telematics.Features.Schema;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Phone;

namespace Telematics.Storage.Postgres.Trips;

// The write side: closed trips checked against their state and inserted one by one or in batches, with their audit rows.
public sealed partial class TripRepository
{
    /// <summary>Stores a closed trip, its feature vector and its mergeable state, with an audit row, in one transaction.</summary>
    /// <param name="driverId">The driver; must exist.</param>
    /// <param name="trip">A trip measured by a <see cref="DriverFeaturePipeline"/>: its <see cref="TripFeatures.State"/> is what drivers' vectors are combined from.</param>
    /// <param name="actor">Who writes it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The trip id; when the same trip (driver and start) was already stored, its existing id and nothing is written.</returns>
    /// <exception cref="ArgumentException">The trip has no state, a state that is not one trip's, or a vector that is not its state's.</exception>
    /// <exception cref="PostgresException">The driver does not exist (23503) or a value is out of range (23514).</exception>
    public async Task<long> WriteClosedTripAsync(long driverId, TripFeatures trip, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trip);
        TripCheck.Ensure(trip, nameof(trip));
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        if (await InsertAsync(connection, transaction, driverId, trip, actor, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } tripId)
        {
            await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
            return tripId;
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        await using var existing = _dataSource.CreateCommand("SELECT trip_id FROM trips WHERE driver_id = $1 AND started_at = $2");
        existing.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        existing.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTimeOffset.FromUnixTimeMilliseconds(trip.StartUnixMs).UtcDateTime });
        return (long)(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Trips inserted per round trip by <see cref="WriteClosedTripsAsync"/>.</summary>
    internal const int TripsPerBatch = 256;

    /// <summary>
    /// Stores many closed trips of one driver in one transaction, <see cref="TripsPerBatch"/> inserts per round trip, with
    /// one <c>trips.close</c> audit row for them all (how many were given and stored, the first and last new trip id) —
    /// the write of a bulk load such as <c>telematics ingest</c>, where a row per trip would be most of the work.
    /// </summary>
    /// <param name="driverId">The driver; must exist.</param>
    /// <param name="trips">Trips measured by a <see cref="DriverFeaturePipeline"/>, each checked as <see cref="WriteClosedTripAsync"/> checks it.</param>
    /// <param name="actor">Who writes them.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is stored then.</param>
    /// <returns>How many trips were new; a trip already stored (driver and start) is skipped. Nothing, not even the audit row, is written when none is new.</returns>
    /// <exception cref="ArgumentException">A trip has no state, a state that is not one trip's, or a vector that is not its state's; nothing is stored.</exception>
    /// <exception cref="PostgresException">The driver does not exist (23503) or a value is out of range (23514); nothing is stored.</exception>
    public Task<int> WriteClosedTripsAsync(long driverId, IReadOnlyList<TripFeatures> trips, AuditActor actor, CancellationToken cancellationToken = default) =>
        WriteManyAsync(driverId, trips, imu: null, actor, cancellationToken);

    /// <summary>
    /// Stores many closed trips of one driver as <see cref="WriteClosedTripsAsync"/> does and, in the same transaction, the
    /// phone manoeuvres and handling spans of each new trip in <c>trip_manoeuvres</c>: those whose start falls within the
    /// trip's span, the rule by which the trip's features counted them. The evidence itself (covered spans, manoeuvres,
    /// handling spans) is stored for the driver in <c>phone_evidence</c>, apart from the trips, so a trip re-measured later
    /// from its stored events (a continued upload, the backfill) is measured with it again. The audit row adds how many
    /// manoeuvre and evidence rows were stored.
    /// </summary>
    /// <param name="driverId">The driver; must exist.</param>
    /// <param name="trips">Trips measured by a <see cref="DriverFeaturePipeline"/> given <paramref name="imu"/> (<see cref="DriverFeaturePipeline.Imu"/>).</param>
    /// <param name="imu">The phone evidence the trips were measured with.</param>
    /// <param name="actor">Who writes them.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is stored then.</param>
    /// <returns>How many trips were new. A trip already stored keeps its stored manoeuvres; nothing is written when neither a trip nor evidence is new.</returns>
    /// <exception cref="ArgumentException">A trip has no state, a state that is not one trip's, or a vector that is not its state's; nothing is stored.</exception>
    /// <exception cref="PostgresException">The driver does not exist (23503) or a value is out of range (23514); nothing is stored.</exception>
    /// <exception cref="PhoneEvidenceConflictException">Evidence of another recording is stored within this one's span; nothing is stored.</exception>
    public Task<int> WriteClosedTripsWithImuAsync(long driverId, IReadOnlyList<TripFeatures> trips, ImuTripEvidence imu, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imu);
        return WriteManyAsync(driverId, trips, imu, actor, cancellationToken);
    }

    private async Task<int> WriteManyAsync(long driverId, IReadOnlyList<TripFeatures> trips, ImuTripEvidence? imu, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trips);
        actor.Validate();
        for (var i = 0; i < trips.Count; i++)
        {
            TripCheck.Ensure(trips[i] ?? throw new ArgumentException($"Trip {i} is null.", nameof(trips)), $"{nameof(trips)}[{i}]");
        }

        if (trips.Count == 0)
        {
            return 0;
        }

        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        var inserted = imu is null ? null : new List<(int Index, long TripId)>();
        var evidenceRows = imu is null ? -1 : await PhoneEvidenceRows.StoreAsync(connection, transaction, driverId, imu, cancellationToken).ConfigureAwait(false);
        var (stored, first, last) = await InsertManyAsync(connection, transaction, driverId, trips, cancellationToken, inserted).ConfigureAwait(false);
        if (stored == 0 && evidenceRows <= 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var manoeuvreRows = imu is null ? -1 : await TripManoeuvreWriter.WriteAsync(connection, driverId, trips, inserted!, imu, cancellationToken).ConfigureAwait(false);
        var manoeuvres = manoeuvreRows < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",\"manoeuvres\":{manoeuvreRows},\"phone_evidence\":{evidenceRows}");
        var after = string.Create(CultureInfo.InvariantCulture, $"{{\"given\":{trips.Count},\"stored\":{stored},\"first_trip_id\":{first},\"last_trip_id\":{last}{manoeuvres}}}");
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "trips.close",
            string.Create(CultureInfo.InvariantCulture, $"driver/{driverId}"), null, after, cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>
    /// Inserts checked trips inside the caller's transaction, <see cref="TripsPerBatch"/> per round trip, without audit rows
    /// (the caller writes one for them all); a trip already stored (driver and start) is skipped.
    /// </summary>
    /// <returns>How many were new, and the first and last new trip id (0 when none).</returns>
    internal static async Task<(int Stored, long FirstId, long LastId)> InsertManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, IReadOnlyList<TripFeatures> trips, CancellationToken cancellationToken,
        List<(int Index, long TripId)>? inserted = null)
    {
        int stored = 0;
        long first = 0, last = 0;
        for (var offset = 0; offset < trips.Count; offset += TripsPerBatch)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            var end = Math.Min(trips.Count, offset + TripsPerBatch);
            for (var i = offset; i < end; i++)
            {
                batch.BatchCommands.Add(InsertCommand(driverId, trips[i]));
            }

            // One result per insert, in order; an empty one is a trip already stored.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var index = offset;
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var id = reader.GetInt64(0);
                    first = stored == 0 ? id : first;
                    last = id;
                    stored++;
                    inserted?.Add((index, id));
                }

                index++;
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        return (stored, first, last);
    }

    /// <summary>The trip row of a closed trip: the feature vector holds event rates per 100 km, the row their counts.</summary>
    internal static TripRecord ToRecord(long driverId, TripFeatures trip) => new(
        driverId,
        VehicleId: null,
        DateTimeOffset.FromUnixTimeMilliseconds(trip.StartUnixMs),
        DateTimeOffset.FromUnixTimeMilliseconds(trip.EndUnixMs),
        trip.DistanceKm,
        trip.SampleCount,
        Count(trip, TelematicsFeatures.HarshBrakingPer100Km),
        Count(trip, TelematicsFeatures.RapidAccelerationPer100Km),
        Count(trip, TelematicsFeatures.HarshCorneringPer100Km));

    private static int Count(TripFeatures trip, string ratePer100Km)
    {
        var rate = trip[ratePer100Km];
        return float.IsFinite(rate) && rate > 0 ? (int)Math.Round(rate * trip.DistanceKm / 100.0) : 0;
    }

    private const string InsertSql =
        "INSERT INTO trips (driver_id, vehicle_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, " +
        "feature_schema, feature_version, features, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (driver_id, started_at) DO NOTHING RETURNING trip_id";

    /// <summary>The parameterised insert of one trip row; returns its id, or no row when the trip is already stored.</summary>
    private static NpgsqlBatchCommand InsertCommand(long driverId, TripFeatures measured)
    {
        var insert = new NpgsqlBatchCommand(InsertSql);
        AddInsertParameters(insert.Parameters, ToRecord(driverId, measured), measured);
        return insert;
    }

    private static void AddInsertParameters(NpgsqlParameterCollection parameters, TripRecord trip, TripFeatures measured)
    {
        parameters.Add(new NpgsqlParameter<long> { TypedValue = trip.DriverId });
        parameters.Add(new NpgsqlParameter { Value = (object?)trip.VehicleId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = trip.StartedAt.UtcDateTime });
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = trip.EndedAt.UtcDateTime });
        parameters.Add(new NpgsqlParameter<double> { TypedValue = trip.DistanceKm });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = trip.SampleCount });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = trip.HarshBrakeCount });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = trip.RapidAccelerationCount });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = trip.HarshCorneringCount });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = TelematicsFeatures.SchemaName });
        parameters.Add(new NpgsqlParameter<int> { TypedValue = TelematicsFeatures.SchemaVersion });
        parameters.Add(new NpgsqlParameter<float[]> { TypedValue = measured.Features.ToArray() });
        parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = measured.State, NpgsqlDbType = NpgsqlDbType.Bytea });
    }

    /// <summary>Inserts a closed trip with its audit row inside the caller's transaction.</summary>
    /// <returns>The new trip id, or null when the trip (driver and start) is already stored.</returns>
    internal static async Task<long?> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, TripFeatures measured, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var trip = ToRecord(driverId, measured);
        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        AddInsertParameters(insert.Parameters, trip, measured);

        if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long tripId)
        {
            var after = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"trip_id\":{tripId},\"started_at\":\"{trip.StartedAt.UtcDateTime:O}\",\"distance_km\":{trip.DistanceKm:R},\"samples\":{trip.SampleCount}}}");
            await AuditWriter.AppendAsync(
                connection, transaction, now, actor, "trip.close",
                string.Create(CultureInfo.InvariantCulture, $"driver/{trip.DriverId}/trip/{tripId}"), null, after, cancellationToken).ConfigureAwait(false);
            return tripId;
        }

        return null;
    }
}
