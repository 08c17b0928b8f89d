using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

using Npgsql;

using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private const string ArchiveColumns =
        "driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags";

    /// <summary>
    /// Writes the partition of <paramref name="month"/> to a gzip CSV in <paramref name="directory"/>, verifies the file
    /// by re-reading it (row count and SHA-256), records it in <c>partition_archives</c>, then detaches and drops the
    /// partition — all in one transaction that blocks writes to that month meanwhile.
    /// </summary>
    /// <param name="month">The month to archive.</param>
    /// <param name="directory">Folder for the file (created when missing); the name is <c>telematics_events_YYYY_MM-&lt;UTC time&gt;.csv.gz</c>.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the work; the partition then stays and the partial file is deleted.</param>
    /// <returns>The archive, or <see langword="null"/> when the month has no partition.</returns>
    /// <exception cref="IOException">The file cannot be written, or re-reading it does not give the partition's rows.</exception>
    public async Task<PartitionArchive?> ArchiveAsync(PartitionMonth month, string directory, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var name = month.PartitionName;
        var now = _timeProvider.GetUtcNow();
        var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{name}-{now:yyyyMMdd'T'HHmmss'Z'}.csv.gz"));

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (!await ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        // SHARE blocks writers to this month until the drop commits: no row can arrive after the copy.
        // UTC and full float precision make the CSV independent of session settings and exact.
        await ExecuteAsync(connection, transaction, $"LOCK TABLE \"{name}\" IN SHARE MODE; SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3", cancellationToken).ConfigureAwait(false);
        var rows = await CountAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        var tempPath = path + ".partial";
        try
        {
            long written;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            await using (var csv = new StreamWriter(gzip, Utf8NoBom))
            using (var copy = await connection.BeginTextExportAsync(
                $"COPY (SELECT {ArchiveColumns} FROM \"{name}\" ORDER BY driver_id, ts, event_id) TO STDOUT (FORMAT CSV, HEADER)",
                cancellationToken).ConfigureAwait(false))
            {
                written = await CopyCountingLinesAsync(copy, csv, cancellationToken).ConfigureAwait(false) - 1;
            }

            var (fileRows, sha256) = await ReadBackAsync(tempPath, cancellationToken).ConfigureAwait(false);
            if (written != rows || fileRows != rows)
            {
                throw new IOException($"Archive of {name} does not hold the partition's {rows} rows (wrote {written}, read back {fileRows}); the partition was kept.");
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO partition_archives (partition_name, range_start, range_end, file_name, row_count, sha256, archived_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                connection,
                transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = month.Start.UtcDateTime });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = month.End.UtcDateTime });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Path.GetFileName(path) });
                record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = rows });
                record.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sha256 });
                record.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var archiveJson = string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"file\":\"{Path.GetFileName(path)}\",\"rows\":{rows},\"sha256\":\"{Convert.ToHexStringLower(sha256)}\"}}");
            await DetachAndDropAsync(connection, transaction, month, actor, "partition.archive", rows, archiveJson, cancellationToken).ConfigureAwait(false);
            File.Move(tempPath, path);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _known.TryRemove(month, out _);
            return new PartitionArchive(month, path, rows, sha256);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    /// <summary>Reads an archive file back: its data row count and the SHA-256 of its bytes.</summary>
    /// <param name="path">Path of a <c>.csv.gz</c> archive.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Row count (lines after the header) and SHA-256 (32 bytes).</returns>
    /// <exception cref="IOException">The file cannot be read or is not gzip.</exception>
    public static async Task<(long Rows, byte[] Sha256)> ReadBackAsync(string path, CancellationToken cancellationToken = default)
    {
        byte[] sha256;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            sha256 = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
        }

        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var csv = new StreamReader(gzip, Utf8NoBom);
        var lines = await CopyCountingLinesAsync(csv, TextWriter.Null, cancellationToken).ConfigureAwait(false);
        return (lines - 1, sha256);
    }

    /// <summary>Loads an archive file back into <c>telematics_events</c> (creating the month's partition when needed).</summary>
    /// <param name="path">Path of an archive written by <see cref="ArchiveAsync"/>.</param>
    /// <param name="month">The month the archive holds.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is kept then.</param>
    /// <returns>Rows loaded.</returns>
    /// <exception cref="PostgresException">The file's rows clash with rows already stored (unique violation) or are malformed.</exception>
    public async Task<long> RestoreAsync(string path, PartitionMonth month, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SET LOCAL TimeZone = 'UTC'", cancellationToken).ConfigureAwait(false);
        long lines;
        await using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        await using (var gzip = new GZipStream(input, CompressionMode.Decompress))
        using (var csv = new StreamReader(gzip, Utf8NoBom))
        await using (var copy = await connection.BeginTextImportAsync(
            $"COPY telematics_events ({ArchiveColumns}) FROM STDIN (FORMAT CSV, HEADER)", cancellationToken).ConfigureAwait(false))
        {
            lines = await CopyCountingLinesAsync(csv, copy, cancellationToken).ConfigureAwait(false);
        }

        var rows = lines - 1;
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "partition.restore", "partition/" + month.PartitionName, null,
            string.Create(CultureInfo.InvariantCulture, $"{{\"file\":\"{Path.GetFileName(path)}\",\"rows\":{rows}}}"),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// The retention routine: creates partitions from the current UTC month to <see cref="TelematicsPostgresOptions.PremakeMonths"/>
    /// ahead, moves DEFAULT rows into their months, and archives (when an archive folder is configured) or drops every
    /// partition older than <see cref="TelematicsPostgresOptions.RetentionMonths"/>.
    /// </summary>
    /// <param name="actor">Who asks.</param>
    /// <param name="dryRun">When <see langword="true"/>, reports what would be done and changes nothing.</param>
    /// <param name="cancellationToken">Cancels between steps; finished steps stay done.</param>
    /// <returns>What was (or would be) done.</returns>
    public async Task<MaintenanceReport> MaintainAsync(AuditActor actor, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var current = PartitionMonth.From(_timeProvider.GetUtcNow());
        var oldestKept = current.AddMonths(-(_options.RetentionMonths - 1));
        var existing = new HashSet<PartitionMonth>();
        foreach (var name in await ReadPartitionNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (PartitionMonth.TryParseName(name, out var month))
            {
                existing.Add(month);
            }
        }

        var created = new List<PartitionMonth>();
        long moved = 0;
        foreach (var (month, rows) in await ReadDefaultMonthsAsync(cancellationToken).ConfigureAwait(false))
        {
            created.Add(month);
            moved += rows;
        }

        for (var month = current; month <= current.AddMonths(_options.PremakeMonths); month = month.AddMonths(1))
        {
            if (!existing.Contains(month) && !created.Contains(month))
            {
                created.Add(month);
            }
        }

        var expired = new List<PartitionMonth>();
        foreach (var month in existing)
        {
            if (month < oldestKept)
            {
                expired.Add(month);
            }
        }

        expired.Sort();
        created.Sort();
        var archive = _options.ArchiveDirectory is not null;
        if (!dryRun)
        {
            foreach (var month in created)
            {
                await CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
            }

            foreach (var month in expired)
            {
                if (archive)
                {
                    await ArchiveAsync(month, _options.ArchiveDirectory!, actor, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await DropAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return new MaintenanceReport(created, moved, archive ? expired : [], archive ? [] : expired, dryRun);
    }

    private static async Task<long> CopyCountingLinesAsync(TextReader source, TextWriter destination, CancellationToken cancellationToken)
    {
        var buffer = new char[1 << 15];
        long lines = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count('\n');
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return lines;
    }
}
