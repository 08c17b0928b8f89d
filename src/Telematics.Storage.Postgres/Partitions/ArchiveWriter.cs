using System.Globalization;
using System.IO.Compression;

using Npgsql;

using NpgsqlTypes;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Writes rows of <c>telematics_events</c> to a gzip CSV archive and proves the file holds them before anything is
/// removed: the rows are counted and hashed through a binary COPY, the file written under a <c>.partial</c> name, fsynced,
/// read back from disk and compared, then renamed, its folder fsynced, and the archive recorded in
/// <c>partition_archives</c> in the caller's transaction.
/// </summary>
/// <param name="timeProvider">Clock for the file's name and the record's time.</param>
internal sealed class ArchiveWriter(TimeProvider timeProvider)
{
    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The archive as the JSON of an audit row: file name, rows, file SHA-256 and content hash.</summary>
    public static string Json(PartitionArchive archive) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"file\":\"{Path.GetFileName(archive.FilePath)}\",\"rows\":{archive.Rows},\"sha256\":\"{Convert.ToHexStringLower(archive.Sha256.Span)}\",\"content_sha256\":\"{Convert.ToHexStringLower(archive.ContentSha256.Span)}\"}}");

    /// <summary>
    /// Writes the source's rows to <c>&lt;table&gt;-&lt;UTC time&gt;.csv.gz</c> in <paramref name="directory"/> and records the
    /// archive; the caller holds a lock that keeps rows from arriving meanwhile, and removes the rows in the same transaction.
    /// </summary>
    /// <returns>The archive, its <see cref="PartitionArchive.Month"/> left <see langword="default"/>.</returns>
    /// <exception cref="IOException">The file exists, cannot be written, or reading it back does not give the rows; no file is left then.</exception>
    public async Task<PartitionArchive> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveSource source, string directory, CancellationToken cancellationToken)
    {
        CreatePrivateDirectory(directory);
        var now = timeProvider.GetUtcNow();
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{source.Table}-{now:yyyyMMdd'T'HHmmss'Z'}.csv.gz"));
        if (File.Exists(path))
        {
            throw new IOException($"Archive {path} exists already; the partition was kept.");
        }

        // UTC, ISO dates and full float precision make the CSV independent of session settings and exact: a role or server
        // whose DateStyle is 'SQL, DMY' would otherwise write timestamps the read-back refuses, and every archive would fail.
        await using (var settings = new NpgsqlCommand("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL extra_float_digits = 3", connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var (rows, contentSha256) = await HashRowsAsync(connection, source, cancellationToken).ConfigureAwait(false);
        var tempPath = path + ".partial";
        try
        {
            await using (var file = new FileStream(tempPath, PrivateFile))
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

            var sha256 = await ArchiveCsv.FileSha256Async(tempPath, cancellationToken).ConfigureAwait(false);
            File.Move(tempPath, path);
            try
            {
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
            }
            catch
            {
                // Published but not recorded (the record's INSERT cancelled or refused): the transaction cannot commit, so
                // the file of raw locations goes too; the caller's withdrawal only covers what follows this method.
                File.Delete(path);
                throw;
            }

            return new PartitionArchive(default, path, rows, sha256) { ContentSha256 = contentSha256 };
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>
    /// Deletes an archive <see cref="WriteAsync"/> published when its transaction did not commit, so that no file of raw
    /// locations is left that <c>partition_archives</c> does not know of (an erasure lists only recorded archives).
    /// </summary>
    /// <param name="dataSource">Where to look the record up.</param>
    /// <param name="path">The published file.</param>
    /// <param name="commitSent">
    /// Whether the COMMIT was sent: it may then have been stored with its answer lost, so the record decides, and a file
    /// whose record cannot be looked up is kept (it may be the only copy of a dropped partition).
    /// </param>
    public static async Task WithdrawAsync(NpgsqlDataSource dataSource, string path, bool commitSent)
    {
        if (commitSent)
        {
            try
            {
                // Not the caller's token: the caller is failing, often because that token was cancelled.
                await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM partition_archives WHERE file_name = $1)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Path.GetFileName(path) });
                if ((bool)(await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false))!)
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return;
            }
        }

        File.Delete(path);
        DurableFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    // Archives hold raw locations: readable by the archiving account only (POSIX modes; Windows folders pass their ACLs on).
    private static readonly FileStreamOptions PrivateFile = PrivateFileOptions();

    private static FileStreamOptions PrivateFileOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    // A folder that exists keeps its mode: only one made here is made private.
    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

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
