using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

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
        await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!await ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            _known.TryRemove(month, out _);
            return null;
        }

        // SHARE blocks writers to this month until the drop commits: no row can arrive after the copy.
        await ExecuteAsync(connection, transaction, $"LOCK TABLE \"{name}\" IN SHARE MODE", cancellationToken).ConfigureAwait(false);
        var archive = await WriteArchiveAsync(
            connection, transaction, new ArchiveSource(name, null, month.Start, month.End), directory, cancellationToken).ConfigureAwait(false);
        await DetachAndDropAsync(connection, transaction, month, actor, "partition.archive", archive.Rows, ArchiveJson(archive), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _known.TryRemove(month, out _);
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
        var sha256 = await FileSha256Async(path, cancellationToken).ConfigureAwait(false);
        var content = await ArchiveCsv.ReadAsync(path, long.MinValue, long.MaxValue, null, cancellationToken).ConfigureAwait(false);
        return (content.Rows, sha256);
    }

    /// <summary>Where archived rows come from: a table (a month's partition or DEFAULT), optionally only rows before a bound.</summary>
    private readonly record struct ArchiveSource(string Table, DateTimeOffset? Before, DateTimeOffset RangeStart, DateTimeOffset RangeEnd)
    {
        public string Where => Before is { } before
            ? string.Create(CultureInfo.InvariantCulture, $" WHERE ts < '{before.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'")
            : string.Empty;
    }

    private async Task<PartitionArchive> WriteArchiveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveSource source, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var now = _timeProvider.GetUtcNow();
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{source.Table}-{now:yyyyMMdd'T'HHmmss'Z'}.csv.gz"));
        if (File.Exists(path))
        {
            throw new IOException($"Archive {path} exists already; the partition was kept.");
        }

        // UTC and full float precision make the CSV independent of session settings and exact.
        await ExecuteAsync(connection, transaction, "SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3", cancellationToken).ConfigureAwait(false);
        var (rows, contentSha256) = await HashRowsAsync(connection, source, cancellationToken).ConfigureAwait(false);
        var tempPath = path + ".partial";
        try
        {
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
                await using (var csv = new StreamWriter(gzip, Utf8NoBom))
                using (var copy = await connection.BeginTextExportAsync(
                    $"COPY (SELECT {ArchiveCsv.Columns} FROM \"{source.Table}\"{source.Where} ORDER BY driver_id, ts, event_id) TO STDOUT (FORMAT CSV, HEADER)",
                    cancellationToken).ConfigureAwait(false))
                {
                    await CopyAsync(copy, csv, cancellationToken).ConfigureAwait(false);
                }

                file.Flush(flushToDisk: true);
            }

            // Read back from disk, not from what was written: the file must hold exactly the rows just hashed in the database.
            ArchiveCsv.Content content;
            try
            {
                content = await ArchiveCsv.ReadAsync(tempPath, long.MinValue, long.MaxValue, null, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException unreadable)
            {
                throw new IOException($"Archive of {source.Table} written to {tempPath} cannot be read back ({unreadable.Message}); the partition was kept.", unreadable);
            }

            if (content.Rows != rows || !content.ContentSha256.AsSpan().SequenceEqual(contentSha256))
            {
                throw new IOException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Archive of {source.Table} read back from {tempPath} does not hold the database's rows (database {rows} rows, content {Convert.ToHexStringLower(contentSha256)}; file {content.Rows} rows, content {Convert.ToHexStringLower(content.ContentSha256)}); the partition was kept."));
            }

            var sha256 = await FileSha256Async(tempPath, cancellationToken).ConfigureAwait(false);
            File.Move(tempPath, path);
            DurableFile.SyncDirectory(directory);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO partition_archives (partition_name, range_start, range_end, file_name, row_count, sha256, content_sha256, archived_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                connection,
                transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source.Table });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = source.RangeStart.UtcDateTime });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = source.RangeEnd.UtcDateTime });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Path.GetFileName(path) });
                record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows });
                record.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sha256 });
                record.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = contentSha256 });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new PartitionArchive(default, path, rows, sha256) { ContentSha256 = contentSha256 };
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    private static string ArchiveJson(PartitionArchive archive) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"file\":\"{Path.GetFileName(archive.FilePath)}\",\"rows\":{archive.Rows},\"sha256\":\"{Convert.ToHexStringLower(archive.Sha256.Span)}\",\"content_sha256\":\"{Convert.ToHexStringLower(archive.ContentSha256.Span)}\"}}");

    /// <summary>Counts and hashes the source's rows as the database holds them, through binary COPY (typed values, no text).</summary>
    private static async Task<(long Rows, byte[] ContentSha256)> HashRowsAsync(NpgsqlConnection connection, ArchiveSource source, CancellationToken cancellationToken)
    {
        using var hasher = new ArchiveRowHasher();
        await using var export = await connection.BeginBinaryExportAsync(
            $"COPY (SELECT {ArchiveCsv.Columns} FROM \"{source.Table}\"{source.Where} ORDER BY driver_id, ts, event_id) TO STDOUT (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        while (await export.StartRowAsync(cancellationToken).ConfigureAwait(false) >= 0)
        {
            var driver = await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            var eventId = await export.ReadAsync<long>(NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            var ts = await export.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            var lat = await export.ReadAsync<double>(NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
            var lon = await export.ReadAsync<double>(NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
            var speed = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var heading = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var longAccel = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var latAccel = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var accuracy = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var limit = await ReadRealAsync(export, cancellationToken).ConfigureAwait(false);
            var roadClass = await export.ReadAsync<short>(NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
            var flags = await export.ReadAsync<short>(NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
            hasher.Add(new ArchiveRow(
                driver, eventId, (ts.Ticks - DateTime.UnixEpoch.Ticks) / 10, lat, lon, speed, heading, longAccel, latAccel, accuracy, limit, roadClass, flags));
        }

        var rows = hasher.Rows;
        return (rows, hasher.Finish());
    }

    private static async Task<float?> ReadRealAsync(NpgsqlBinaryExporter export, CancellationToken cancellationToken)
    {
        if (export.IsNull)
        {
            await export.SkipAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        return await export.ReadAsync<float>(NpgsqlDbType.Real, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(TextReader source, TextWriter destination, CancellationToken cancellationToken)
    {
        var buffer = new char[1 << 15];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }
}
