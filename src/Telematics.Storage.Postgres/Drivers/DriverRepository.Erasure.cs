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
    /// foreign key to <c>drivers</c>) and in the tables retention kept aside, then the driver row with their vehicles, trips, scores, shadow scores and premiums
    /// (cascades), and one <c>driver.delete</c> audit row.
    /// </summary>
    /// <remarks>
    /// The audit row keeps no personal data beyond the driver id: its <c>before</c> is the id, the number of events
    /// deleted and the archive files to review (never the name, reference, region or zone). Archived months are outside
    /// the database and are not touched: <see cref="DriverErasure.ArchivesToReview"/> lists them (and the audit row
    /// keeps the list) for the operator's review; a restore of one leaves the driver's rows out. The driver's earlier audit
    /// rows (<c>driver.create</c> and <c>driver.update</c> hold the name and reference) lose their before and after; the
    /// chain keeps salted digests of them and still verifies. Rows written before migration 0030 cannot lose theirs
    /// without breaking the chain: <see cref="DriverErasure.AuditRowsKept"/> counts them.
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

        // A restore or partition change in flight attaches a partition this transaction's DELETE would not see (its
        // catalog rows are uncommitted) and filters erased drivers before this erasure's driver.delete row is visible, so
        // X's restored rows would survive both. The shared mode of their lock orders the two: a restore in flight commits
        // first (the DELETE below, a statement of its own, then sees its partition and rows) or a later one waits for this
        // commit (its filter then sees driver.delete). Erasures do not wait for one another. Taken after the driver row, as
        // an ingest that holds that row may create a partition under the exclusive lock meanwhile.
        await Partitions.PartitionSql.LockSharedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        long events;
        await using (var delete = new NpgsqlCommand("DELETE FROM telematics_events WHERE driver_id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            events = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (keptRows, tablesToReview) = await EraseFromKeptTablesAsync(connection, transaction, driverId, cancellationToken).ConfigureAwait(false);
        events += keptRows;

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
        // The recorded archives, then files a killed archive run published without a record (reported by the next run).
        await using (var list = new NpgsqlCommand(
            "SELECT file_name FROM (SELECT file_name, 0 AS k, range_start, archive_id AS n FROM partition_archives UNION ALL " +
            "SELECT after->>'file', 1, NULL, seq FROM audit_log WHERE resource LIKE 'partition/%' AND action = $1) f ORDER BY k, range_start, n",
            connection,
            transaction))
        {
            list.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Partitions.ArchiveSweeper.UnrecordedAction });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                archives.Add(reader.GetString(0));
            }
        }

        // The driver.delete row goes first: the database redacts only the rows of a driver whose erasure is on record
        // (migration 0033). It states what the redaction will do, so that is counted now and checked after.
        var (redactable, keptAuditRows) = await CountRedactableAsync(connection, transaction, driverId, cancellationToken).ConfigureAwait(false);
        var erasure = new DriverErasure(driverId, events, archives) { TablesToReview = tablesToReview, AuditRowsRedacted = redactable, AuditRowsKept = keptAuditRows };
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "driver.delete", Resource(driverId), ToJson(erasure), null, cancellationToken).ConfigureAwait(false);

        // After the driver row is gone: the database refuses to redact the history of a driver still on the books.
        await using (var redact = new NpgsqlCommand("SELECT redacted, kept FROM audit_log_redact_driver($1)", connection, transaction))
        {
            redact.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            await using var reader = await redact.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetInt64(0) != redactable || reader.GetInt64(1) != keptAuditRows)
            {
                // A row of the driver committed between the count and the driver.delete row: its record would be wrong.
                throw new InvalidOperationException(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture, $"Audit rows of driver {driverId} were written during its erasure; nothing was erased, try again."));
            }
        }

        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return erasure;
    }

    /// <summary>
    /// Deletes the driver's rows from the tables retention kept aside (<see cref="TelematicsPostgresOptions.RetentionKeepTable"/>):
    /// detached months and expired DEFAULT rows are out of <c>telematics_events</c> but still in the database. A kept table
    /// this role may not delete from is returned for review instead (expired DEFAULT rows kept by an older maintenance run,
    /// which made the table as the maintenance role).
    /// </summary>
    private static async Task<(long Rows, List<string> TablesToReview)> EraseFromKeptTablesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        var kept = new List<(string Name, bool MayDelete)>();
        await using (var list = new NpgsqlCommand(
            "SELECT c.relname, has_table_privilege(c.oid, 'DELETE') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition AND c.relname ~ $1 ORDER BY c.relname",
            connection,
            transaction))
        {
            list.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Partitions.PartitionSql.KeptTablePattern });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                kept.Add((reader.GetString(0), reader.GetBoolean(1)));
            }
        }

        long rows = 0;
        var toReview = new List<string>();
        foreach (var (name, mayDelete) in kept)
        {
            if (!mayDelete)
            {
                toReview.Add(name);
                continue;
            }

            // The name matched the kept-table pattern (letters, digits and underscores only), so quoting it is enough.
            await using var delete = new NpgsqlCommand($"DELETE FROM \"{name}\" WHERE driver_id = $1", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            rows += await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (rows, toReview);
    }

    /// <summary>The driver's audit rows that <c>audit_log_redact_driver</c> redacts and those it keeps (encoding 1), by its conditions.</summary>
    private static async Task<(long Redactable, long Kept)> CountRedactableAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long driverId, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE encoding = 2 AND redacted_at IS NULL AND action <> 'driver.delete'), count(*) FILTER (WHERE encoding = 1) " +
            "FROM audit_log WHERE (resource = $1 OR resource LIKE $1 || '/%') AND (before IS NOT NULL OR after IS NOT NULL)",
            connection,
            transaction);
        count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Resource(driverId) });
        await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Whether an erasure of the driver is on record: a <c>driver.delete</c> audit row (the audit log is append-only).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the driver was erased.</returns>
    public async Task<bool> WasErasedAsync(long driverId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand();
        return await WasErasedAsync(command, driverId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the erasure lookup on <paramref name="command"/>, which the caller made on its connection and transaction.</summary>
    internal static async Task<bool> WasErasedAsync(NpgsqlCommand command, long driverId, CancellationToken cancellationToken)
    {
        // audit_log_resource_idx: one index probe whatever the log's length.
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM audit_log WHERE resource = $1 AND action = 'driver.delete')";
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
            json.WriteStartArray("tables_to_review");
            foreach (var table in erasure.TablesToReview)
            {
                json.WriteStringValue(table);
            }

            json.WriteEndArray();
            json.WriteNumber("audit_rows_redacted", erasure.AuditRowsRedacted);
            json.WriteNumber("audit_rows_kept", erasure.AuditRowsKept);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
