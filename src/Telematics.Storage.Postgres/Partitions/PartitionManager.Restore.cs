using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    /// <summary>
    /// Checks an archive file against its record in <c>partition_archives</c> without loading it: the file's SHA-256,
    /// its row count, the hash of its rows in the canonical encoding, and that every row lies in the recorded range.
    /// </summary>
    /// <param name="path">The archive file.</param>
    /// <param name="month">The month it should hold; the record is that month's archive with the file's name, else its latest.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What differs, one phrase each; empty when the file is the archive that was recorded.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<string>> VerifyArchiveAsync(string path, PartitionMonth month, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return await _archiveVerifier.VerifyAsync(path, month, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads an archive file back into <c>telematics_events</c> after checking it against its record, in one transaction
    /// with the month's partition (created when missing) and a <c>partition.restore</c> audit row.
    /// </summary>
    /// <param name="path">Path of an archive written by <see cref="ArchiveAsync"/>.</param>
    /// <param name="month">The month the archive holds.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is kept then.</param>
    /// <returns>Rows loaded.</returns>
    /// <exception cref="ArchiveVerificationException">The file's SHA-256, row count or content hash differs from the record, a row is outside the month, or no archive of the month is recorded; nothing was loaded.</exception>
    /// <exception cref="PostgresException">The file's rows clash with rows already stored (unique violation); nothing was loaded.</exception>
    public async Task<long> RestoreAsync(string path, PartitionMonth month, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var differences = await VerifyArchiveAsync(path, month, cancellationToken).ConfigureAwait(false);
        if (differences.Count > 0)
        {
            throw new ArchiveVerificationException(path, month, differences);
        }

        var record = (await _archiveVerifier.FindRecordAsync(path, month, cancellationToken).ConfigureAwait(false))!;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await _creator.CreateLockedAsync(connection, transaction, month, actor, cancellationToken).ConfigureAwait(false);
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

        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "partition.restore", "partition/" + month.PartitionName, null,
            string.Create(CultureInfo.InvariantCulture, $"{{\"file\":\"{Path.GetFileName(path)}\",\"archive_id\":{record.ArchiveId},\"rows\":{loaded.Rows}}}"),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _creator.Remember(month);
        return loaded.Rows;
    }
}
