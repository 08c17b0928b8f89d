using Npgsql;

using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Archives a month's partition: writes it to a verified gzip CSV, records it, then detaches and drops the partition,
/// all in one transaction that blocks writes to that month meanwhile.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
/// <param name="archiveWriter">Writes, proves and records the file.</param>
/// <param name="remover">Drops the partition once the file is proven.</param>
/// <param name="creator">Forgets the archived month.</param>
/// <param name="timeProvider">Clock for the audit rows of the folder's sweep.</param>
internal sealed class PartitionArchiver(NpgsqlDataSource dataSource, ArchiveWriter archiveWriter, PartitionRemover remover, PartitionCreator creator, TimeProvider timeProvider)
{
    /// <summary>Archives and drops the month's partition; see <see cref="PartitionManager.ArchiveAsync"/>.</summary>
    /// <returns>The archive, or <see langword="null"/> when the month has no partition.</returns>
    /// <exception cref="IOException">The file cannot be written, or reading it back does not give the partition's rows; the partition is kept.</exception>
    public async Task<PartitionArchive?> ArchiveAsync(PartitionMonth month, string directory, AuditActor actor, CancellationToken cancellationToken)
    {
        // Checked here, not only in PartitionManager: the retention routine archives with the configured folder too.
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        // What a killed run left: its .partial goes, a published file it never recorded is reported (ArchiveSweeper).
        await ArchiveSweeper.SweepAsync(dataSource, directory, actor, timeProvider, cancellationToken).ConfigureAwait(false);
        var name = month.PartitionName;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!await PartitionSql.ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            creator.Forget(month);
            return null;
        }

        // SHARE blocks writers to this month until the drop commits: no row can arrive after the copy.
        await PartitionSql.ExecuteAsync(connection, transaction, $"LOCK TABLE \"{name}\" IN SHARE MODE", cancellationToken).ConfigureAwait(false);
        var archive = await archiveWriter.WriteAsync(
            connection, transaction, new ArchiveSource(name, null, month.Start, month.End), directory, cancellationToken).ConfigureAwait(false);
        var commitSent = false;
        try
        {
            await remover.DetachAndDropAsync(connection, transaction, month, actor, "partition.archive", archive.Rows, ArchiveWriter.Json(archive), cancellationToken).ConfigureAwait(false);
            commitSent = true;
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The partition stays (a lock wait cancelled, a deadlock with a late upload): so must no file of it.
            await ArchiveWriter.WithdrawAsync(dataSource, archive.FilePath, commitSent).ConfigureAwait(false);
            throw;
        }

        creator.Forget(month);
        return archive with { Month = month };
    }

    /// <summary>Reads an archive file back; see <see cref="PartitionManager.ReadBackAsync"/>.</summary>
    /// <returns>Row count (lines after the header) and SHA-256 of the file (32 bytes).</returns>
    public static async Task<(long Rows, byte[] Sha256)> ReadBackAsync(string path, CancellationToken cancellationToken)
    {
        var sha256 = await ArchiveCsv.FileSha256Async(path, cancellationToken).ConfigureAwait(false);
        var content = await ArchiveCsv.ReadAsync(path, long.MinValue, long.MaxValue, null, cancellationToken).ConfigureAwait(false);
        return (content.Rows, sha256);
    }
}
