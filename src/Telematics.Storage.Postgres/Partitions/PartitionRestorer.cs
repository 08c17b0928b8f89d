using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Checks an archive file against its record and loads it back into <c>telematics_events</c>, in one transaction with
/// the month's partition (created when missing) and an audit row.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
/// <param name="archiveVerifier">Compares files with their records in <c>partition_archives</c>.</param>
/// <param name="creator">Creates the month's partition in the restore's transaction.</param>
/// <param name="timeProvider">Clock for the audit row.</param>
internal sealed class PartitionRestorer(NpgsqlDataSource dataSource, ArchiveVerifier archiveVerifier, PartitionCreator creator, TimeProvider timeProvider)
{
    /// <summary>Checks an archive file against its record; see <see cref="PartitionManager.VerifyArchiveAsync"/>.</summary>
    /// <returns>What differs, one phrase each; empty when the file is the archive that was recorded.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<string>> VerifyAsync(string path, PartitionMonth month, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return await archiveVerifier.VerifyAsync(path, month, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads an archive file back after checking it; see <see cref="PartitionManager.RestoreAsync"/>.</summary>
    /// <returns>Rows loaded.</returns>
    /// <exception cref="ArchiveVerificationException">The file differs from its record, or no archive of the month is recorded; nothing was loaded.</exception>
    public async Task<long> RestoreAsync(string path, PartitionMonth month, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var (found, differences) = await archiveVerifier.VerifyRecordAsync(path, month, cancellationToken).ConfigureAwait(false);
        if (differences.Count > 0 || found is not { } record)
        {
            throw new ArchiveVerificationException(path, month, differences);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!record.IsDefault)
        {
            await creator.CreateLockedAsync(connection, transaction, month, actor, cancellationToken).ConfigureAwait(false);
        }

        await PartitionSql.ExecuteAsync(connection, transaction, "SET LOCAL TimeZone = 'UTC'", cancellationToken).ConfigureAwait(false);

        // The file is read again as it is loaded, and checked again before the commit: a file changed after the check above
        // rolls the whole restore back.
        ArchiveCsv.Content loaded;
        try
        {
            await using var copy = await connection.BeginTextImportAsync(
                $"COPY telematics_events ({ArchiveCsv.Columns}) FROM STDIN (FORMAT CSV, HEADER)", cancellationToken).ConfigureAwait(false);
            loaded = await ArchiveCsv.ReadAsync(path, record.FromUs, record.ToUs, copy, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException unreadable)
        {
            throw new ArchiveVerificationException(path, month, [$"rows cannot be read as an archive of {month} ({unreadable.Message})"]);
        }

        var changed = ArchiveVerifier.Compare(record, loaded);
        if (changed.Count > 0)
        {
            throw new ArchiveVerificationException(path, month, [.. changed.Select(d => d + " while loading")]);
        }

        // Expired DEFAULT rows span months: each went to its month's partition, or to DEFAULT when it has none; those
        // months get theirs now (which moves the rows), as a month's restore does. Months outside 2000–2199 stay in DEFAULT.
        List<PartitionMonth> months = record.IsDefault
            ? await CreateMonthsOfRestoredDefaultRowsAsync(connection, transaction, record, actor, cancellationToken).ConfigureAwait(false)
            : [month];

        // The file was written before later erasures: what it holds of an erased driver must not come back.
        long leftOut;
        await using (var erased = new NpgsqlCommand(
            $"DELETE FROM \"{(record.IsDefault ? "telematics_events" : month.PartitionName)}\" e USING (SELECT DISTINCT resource FROM audit_log WHERE action = 'driver.delete') d " +
            "WHERE d.resource = 'driver/' || e.driver_id AND e.ts >= $1 AND e.ts < $2",
            connection,
            transaction))
        {
            erased.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(record.FromUs) });
            erased.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(record.ToUs) });
            leftOut = await erased.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var rows = loaded.Rows - leftOut;
        await AuditWriter.AppendAsync(
            connection, transaction, timeProvider.GetUtcNow(), actor, "partition.restore", "partition/" + (record.IsDefault ? record.PartitionName : month.PartitionName), null,
            string.Create(CultureInfo.InvariantCulture, $"{{\"file\":\"{Path.GetFileName(path)}\",\"archive_id\":{record.ArchiveId},\"rows\":{rows},\"erased_rows_left_out\":{leftOut}}}"),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var restored in months)
        {
            creator.Remember(restored);
        }

        return rows;
    }

    /// <summary>Creates the partition of each supported month that restored DEFAULT rows landed in DEFAULT for; returns the months.</summary>
    private async Task<List<PartitionMonth>> CreateMonthsOfRestoredDefaultRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveRecord record, AuditActor actor, CancellationToken cancellationToken)
    {
        var months = new List<PartitionMonth>();
        await using (var read = new NpgsqlCommand(
            $"SELECT DISTINCT (extract(epoch FROM date_trunc('month', ts)) * 1000)::bigint FROM {PartitionMonth.DefaultPartitionName} WHERE ts >= $1 AND ts < $2",
            connection,
            transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(record.FromUs) });
            read.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(record.ToUs) });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (PartitionMonth.TryFromUnixMs(reader.GetInt64(0), out var month))
                {
                    months.Add(month);
                }
            }
        }

        foreach (var month in months)
        {
            await creator.CreateLockedAsync(connection, transaction, month, actor, cancellationToken).ConfigureAwait(false);
        }

        return months;
    }

    private static DateTime Utc(long unixMicroseconds) => DateTime.UnixEpoch.AddTicks(unixMicroseconds * 10);
}
