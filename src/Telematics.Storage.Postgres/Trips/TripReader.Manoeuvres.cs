using Npgsql;

namespace Telematics.Storage.Postgres.Trips;

// The phone manoeuvres stored with a trip (migration 0021), for a trip's detail.
public sealed partial class TripReader
{
    /// <summary>Reads the manoeuvres and phone-handling spans stored with a trip, in time order (index <c>trip_manoeuvres_trip</c>).</summary>
    /// <param name="tripId">The trip.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows; empty for a trip stored without phone data, or no such trip.</returns>
    public async Task<IReadOnlyList<StoredManoeuvre>> ReadManoeuvresAsync(long tripId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT kind, started_at, ended_at, peak_at, peak_mps2, severity, peak_rotation_rad_s, remounted FROM trip_manoeuvres " +
            "WHERE trip_id = $1 ORDER BY started_at, manoeuvre_id");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tripId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<StoredManoeuvre>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredManoeuvre(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFloat(4),
                reader.IsDBNull(5) ? null : reader.GetFloat(5),
                reader.IsDBNull(6) ? null : reader.GetFloat(6),
                reader.IsDBNull(7) ? null : reader.GetBoolean(7)));
        }

        return rows;
    }
}
