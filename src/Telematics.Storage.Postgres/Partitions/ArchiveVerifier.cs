using System.Globalization;

using Npgsql;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Checks an archive file against its record in <c>partition_archives</c>: the file's SHA-256, its row count, the hash of
/// its rows in the canonical encoding, and that every row lies in the recorded range.
/// </summary>
/// <param name="dataSource">Data source of a migrated database, for the records.</param>
internal sealed class ArchiveVerifier(NpgsqlDataSource dataSource)
{
    /// <summary>Compares the file with the month's record; see <see cref="PartitionManager.VerifyArchiveAsync"/>.</summary>
    /// <returns>What differs, one phrase each; empty when the file is the archive that was recorded.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<IReadOnlyList<string>> VerifyAsync(string path, PartitionMonth month, CancellationToken cancellationToken) =>
        (await VerifyRecordAsync(path, month, cancellationToken).ConfigureAwait(false)).Differences;

    /// <summary>Compares the file with its record and returns that record too (null when none is found).</summary>
    public async Task<(ArchiveRecord? Record, IReadOnlyList<string> Differences)> VerifyRecordAsync(string path, PartitionMonth month, CancellationToken cancellationToken)
    {
        var sha256 = await ArchiveCsv.FileSha256Async(path, cancellationToken).ConfigureAwait(false);
        var record = await FindRecordAsync(path, sha256, month, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return (null, [$"no archive of {month.PartitionName} is recorded in partition_archives"]);
        }

        var differences = new List<string>();
        if (!sha256.AsSpan().SequenceEqual(record.Sha256))
        {
            differences.Add($"file SHA-256 differs (recorded {Convert.ToHexStringLower(record.Sha256)} for {record.FileName}, file {Convert.ToHexStringLower(sha256)})");
        }

        try
        {
            var content = await ArchiveCsv.ReadAsync(path, record.FromUs, record.ToUs, null, cancellationToken).ConfigureAwait(false);
            differences.AddRange(Compare(record, content));
        }
        catch (InvalidDataException unreadable)
        {
            differences.Add($"rows cannot be read as an archive of {(record.IsDefault ? record.PartitionName : month)} ({unreadable.Message})");
        }

        return (record, differences);
    }

    /// <summary>How what was read of a file differs from its record: row count and content hash, one phrase each.</summary>
    public static List<string> Compare(ArchiveRecord record, ArchiveCsv.Content content)
    {
        var differences = new List<string>();
        if (content.Rows != record.Rows)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"row count differs (recorded {record.Rows}, file {content.Rows})"));
        }

        if (record.ContentSha256 is { } recorded && !content.ContentSha256.AsSpan().SequenceEqual(recorded))
        {
            differences.Add($"content hash differs (recorded {Convert.ToHexStringLower(recorded)}, file {Convert.ToHexStringLower(content.ContentSha256)})");
        }

        return differences;
    }

    /// <summary>
    /// The record with the file's name, else with its SHA-256, else the month's latest: among the month's records and those
    /// of expired DEFAULT rows, which hold rows of several months and so are found by their file only. Null when none.
    /// </summary>
    private async Task<ArchiveRecord?> FindRecordAsync(string path, byte[] sha256, PartitionMonth month, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT archive_id, file_name, row_count, sha256, content_sha256, range_start, range_end, partition_name FROM partition_archives " +
            "WHERE partition_name = $1 OR (partition_name = $3 AND (file_name = $2 OR sha256 = $4)) " +
            "ORDER BY file_name = $2 DESC, sha256 = $4 DESC, partition_name = $1 DESC, archive_id DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = month.PartitionName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Path.GetFileName(path) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PartitionMonth.DefaultPartitionName });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sha256 });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ArchiveRecord(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetInt64(2),
            reader.GetFieldValue<byte[]>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
            UnixMicroseconds(reader.GetFieldValue<DateTime>(5)),
            UnixMicroseconds(reader.GetFieldValue<DateTime>(6)),
            reader.GetString(7));
    }

    private static long UnixMicroseconds(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;
}
