using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    /// <summary>
    /// Writes the partition of <paramref name="month"/> to a gzip CSV in <paramref name="directory"/>, proves the file holds
    /// the partition's rows, records it in <c>partition_archives</c>, then detaches and drops the partition — all in one
    /// transaction that blocks writes to that month meanwhile.
    /// </summary>
    /// <remarks>
    /// The file is written under a <c>.partial</c> name and fsynced; it is then read back from disk: its rows are counted
    /// and hashed in <see cref="ArchiveRowHasher"/>'s canonical encoding, and both must equal the count and the hash of
    /// the partition's rows read through a separate binary COPY. Only then is it renamed to its final name, the folder
    /// fsynced, the row count, file SHA-256 and content hash recorded, and the partition dropped.
    /// </remarks>
    /// <param name="month">The month to archive.</param>
    /// <param name="directory">Folder for the file (created when missing); the name is <c>telematics_events_YYYY_MM-&lt;UTC time&gt;.csv.gz</c>.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the work; the partition then stays and the partial file is deleted.</param>
    /// <returns>The archive, or <see langword="null"/> when the month has no partition.</returns>
    /// <exception cref="IOException">The file cannot be written, or reading it back does not give the partition's rows; the partition is kept.</exception>
    public async Task<PartitionArchive?> ArchiveAsync(PartitionMonth month, string directory, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var name = month.PartitionName;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!await PartitionSql.ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            _creator.Forget(month);
            return null;
        }

        // SHARE blocks writers to this month until the drop commits: no row can arrive after the copy.
        await PartitionSql.ExecuteAsync(connection, transaction, $"LOCK TABLE \"{name}\" IN SHARE MODE", cancellationToken).ConfigureAwait(false);
        var archive = await _archiveWriter.WriteAsync(
            connection, transaction, new ArchiveSource(name, null, month.Start, month.End), directory, cancellationToken).ConfigureAwait(false);
        await _remover.DetachAndDropAsync(connection, transaction, month, actor, "partition.archive", archive.Rows, ArchiveWriter.Json(archive), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _creator.Forget(month);
        return archive with { Month = month };
    }

    /// <summary>Reads an archive file back: its data row count and the SHA-256 of its bytes.</summary>
    /// <param name="path">Path of a <c>.csv.gz</c> archive.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Row count (lines after the header) and SHA-256 of the file (32 bytes).</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not gzip or a line is not an archived row.</exception>
    public static async Task<(long Rows, byte[] Sha256)> ReadBackAsync(string path, CancellationToken cancellationToken = default)
    {
        var sha256 = await ArchiveCsv.FileSha256Async(path, cancellationToken).ConfigureAwait(false);
        var content = await ArchiveCsv.ReadAsync(path, long.MinValue, long.MaxValue, null, cancellationToken).ConfigureAwait(false);
        return (content.Rows, sha256);
    }
}
