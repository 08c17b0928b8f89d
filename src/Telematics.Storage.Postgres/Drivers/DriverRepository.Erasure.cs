using System.Text;
using System.Text.Json;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Storage.Postgres.Drivers;

/// <content>Erasure of a driver: the driver row, everything that cascades from it and its raw events, in one audited transaction.</content>
public sealed partial class DriverRepository
{
    /// <summary>
    /// Erases a driver in one transaction: their raw events in every partition of <c>telematics_events</c> (which has no
    /// foreign key to <c>drivers</c>), then the driver row with their vehicles, trips, scores, shadow scores and premiums
    /// (cascades), and one <c>driver.delete</c> audit row.
    /// </summary>
    /// <remarks>
    /// The audit row keeps no personal data beyond the driver id: its <c>before</c> is the id, the number of events
    /// deleted and the archive files to review (never the name, reference, region or zone). Archived months are outside
    /// the database and are not touched: <see cref="DriverErasure.ArchivesToReview"/> lists them (and the audit row
    /// keeps the list) for the operator's review; a restore of one leaves the driver's rows out. Earlier audit rows of the driver
    /// (<c>driver.create</c>, <c>driver.update</c>) are append-only and keep what they recorded.
    /// Waits for an upload of the same driver in progress (both lock the driver row).
    /// </remarks>
    /// <param name="driverId">The driver.</param>
    /// <param name="actor">Who erases.</param>
    /// <param name="cancellationToken">Cancels the erasure; nothing is deleted then.</param>
    /// <returns>What was erased, or <see langword="null"/> when there is no such driver.</returns>
    public async Task<DriverErasure?> EraseAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        if (await ReadAsync(connection, transaction, driverId, forUpdate: true, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        long events;
        await using (var delete = new NpgsqlCommand("DELETE FROM telematics_events WHERE driver_id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            events = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM drivers WHERE driver_id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Events about the driver not yet relayed go with them (what was relayed is the stream's to age out: docs/events.md).
        await using (var delete = new NpgsqlCommand("DELETE FROM domain_event_outbox WHERE subject = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = driverId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var archives = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT file_name FROM partition_archives ORDER BY range_start, archive_id", connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                archives.Add(reader.GetString(0));
            }
        }

        var erasure = new DriverErasure(driverId, events, archives);
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "driver.delete", Resource(driverId), ToJson(erasure), null, cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return erasure;
    }

    /// <summary>Whether an erasure of the driver is on record: a <c>driver.delete</c> audit row (the audit log is append-only).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the driver was erased.</returns>
    public async Task<bool> WasErasedAsync(long driverId, CancellationToken cancellationToken = default)
    {
        // audit_log_resource_idx: one index probe whatever the log's length.
        await using var command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM audit_log WHERE resource = $1 AND action = 'driver.delete')");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Resource(driverId) });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static string ToJson(DriverErasure erasure)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("driver_id", erasure.DriverId);
            json.WriteNumber("events_deleted", erasure.EventsDeleted);
            json.WriteStartArray("archives_to_review");
            foreach (var file in erasure.ArchivesToReview)
            {
                json.WriteStringValue(file);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
