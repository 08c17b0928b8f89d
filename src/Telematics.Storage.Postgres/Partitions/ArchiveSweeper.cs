using System.Globalization;
using System.Text.RegularExpressions;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Cleans up after an archive run that was killed: deletes this product's <c>.partial</c> files (never published, so
/// never the only copy of anything) and reports published archives that <c>partition_archives</c> does not know of — a
/// run killed between the rename and the commit of its record. Those are complete copies of rows that stayed in the
/// database; they hold raw locations, so they are reported, once each, in a <c>partition.archive_unrecorded</c> audit
/// row that every later erasure lists for review, not deleted.
/// </summary>
internal static partial class ArchiveSweeper
{
    /// <summary>The audit action that reports an unrecorded archive file; its <c>after</c> holds <c>file</c>.</summary>
    public const string UnrecordedAction = "partition.archive_unrecorded";

    // ArchiveWriter's names: <table>-<UTC time>.csv.gz, and .partial while written.
    [GeneratedRegex(@"\A(telematics_events_(?:[0-9]{4}_[0-9]{2}|default))-[0-9]{8}T[0-9]{6}Z\.csv\.gz(\.partial)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ArchiveName();

    /// <summary>Sweeps <paramref name="directory"/> under the partition lock, so that no archive is being written meanwhile.</summary>
    /// <returns>The unrecorded archive files' names, reported before or now.</returns>
    public static async Task<IReadOnlyList<string>> SweepAsync(
        NpgsqlDataSource dataSource, string directory, AuditActor actor, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        var deleted = false;
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var match = ArchiveName().Match(Path.GetFileName(path));
            if (!match.Success)
            {
                continue;
            }

            if (match.Groups[2].Success)
            {
                File.Delete(path);
                deleted = true;
            }
            else
            {
                published[Path.GetFileName(path)] = match.Groups[1].Value;
            }
        }

        if (deleted)
        {
            DurableFile.SyncDirectory(directory);
        }

        var unrecorded = new List<string>();
        var unreported = new List<string>();
        if (published.Count > 0)
        {
            await using var find = new NpgsqlCommand(
                "SELECT n, EXISTS (SELECT 1 FROM audit_log l WHERE l.resource LIKE 'partition/%' AND l.action = $2 AND l.after->>'file' = n) " +
                "FROM unnest($1::text[]) n WHERE NOT EXISTS (SELECT 1 FROM partition_archives a WHERE a.file_name = n) ORDER BY n",
                connection,
                transaction);
            find.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. published.Keys] });
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = UnrecordedAction });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                unrecorded.Add(reader.GetString(0));
                if (!reader.GetBoolean(1))
                {
                    unreported.Add(reader.GetString(0));
                }
            }
        }

        foreach (var name in unreported)
        {
            // The name matched ArchiveName (letters, digits, '_', '-', '.'), so it needs no JSON escaping.
            await AuditWriter.AppendAsync(
                connection, transaction, timeProvider.GetUtcNow(), actor, UnrecordedAction, "partition/" + published[name], null,
                string.Create(CultureInfo.InvariantCulture, $"{{\"file\":\"{name}\"}}"), cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        // The shared empty array when none: reports of runs that found nothing compare equal (record equality).
        return unrecorded.Count == 0 ? Array.Empty<string>() : unrecorded;
    }
}
