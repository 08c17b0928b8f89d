using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    /// <summary>
    /// The retention routine: creates partitions from the current UTC month to <see cref="TelematicsPostgresOptions.PremakeMonths"/>
    /// ahead, moves DEFAULT rows of months within retention and the horizon into their months, and removes everything older
    /// than <see cref="TelematicsPostgresOptions.RetentionMonths"/>: month partitions are archived (when an archive folder is
    /// configured), detached and kept (<see cref="TelematicsPostgresOptions.RetentionKeepTable"/>) or dropped, and expired
    /// DEFAULT rows (any year) are archived, kept aside or deleted the same way. Records of stored streamed batches older
    /// than <see cref="TelematicsPostgresOptions.BatchLedgerRetention"/> are deleted.
    /// </summary>
    /// <remarks>
    /// An expired month never gets a partition from DEFAULT first: its rows are judged in the same run, with the rest of
    /// the expired DEFAULT rows. DEFAULT rows later than the horizon stay there and are counted in
    /// <see cref="MaintenanceReport.BeyondHorizonInDefault"/>.
    /// </remarks>
    /// <param name="actor">Who asks.</param>
    /// <param name="dryRun">When <see langword="true"/>, reports what would be done and changes nothing.</param>
    /// <param name="cancellationToken">Cancels between steps; finished steps stay done.</param>
    /// <returns>What was (or would be) done.</returns>
    public async Task<MaintenanceReport> MaintainAsync(AuditActor actor, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var current = PartitionMonth.From(_timeProvider.GetUtcNow());
        var horizon = _creator.Horizon;
        var names = await _catalog.ReadPartitionNamesAsync(cancellationToken).ConfigureAwait(false);
        var defaultMonths = await _catalog.ReadDefaultMonthsAsync(cancellationToken).ConfigureAwait(false);
        var plan = RetentionPlan.Make(current, _options.RetentionMonths, horizon, names, defaultMonths);
        var (expiredInDefault, beyondHorizon) = await _catalog.CountDefaultOutsideAsync(plan.OldestKept.Start, horizon.End, cancellationToken).ConfigureAwait(false);
        var keep = _options.RetentionKeepTable;
        var archive = _options.ArchiveDirectory is not null && !keep;
        PartitionArchive? defaultArchive = null;
        if (!dryRun)
        {
            foreach (var month in plan.Created)
            {
                await _creator.CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
            }

            foreach (var month in plan.Expired)
            {
                if (keep)
                {
                    await _remover.DetachAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
                else if (archive)
                {
                    await _archiver.ArchiveAsync(month, _options.ArchiveDirectory!, actor, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _remover.DropAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
            }

            if (expiredInDefault > 0)
            {
                (expiredInDefault, defaultArchive) = await ExpireDefaultRowsAsync(plan.OldestKept.Start, actor, cancellationToken).ConfigureAwait(false);
            }
        }

        var ledgerBefore = _timeProvider.GetUtcNow() - _options.BatchLedgerRetention;
        var prunedBatches = dryRun
            ? await BatchLedgerPruner.CountAsync(_dataSource, ledgerBefore, cancellationToken).ConfigureAwait(false)
            : await BatchLedgerPruner.PruneAsync(_dataSource, ledgerBefore, actor, _timeProvider, cancellationToken).ConfigureAwait(false);

        return new MaintenanceReport(plan.Created, plan.MovedFromDefault, archive ? plan.Expired : [], archive || keep ? [] : plan.Expired, dryRun)
        {
            Detached = keep ? plan.Expired : Array.Empty<PartitionMonth>(),
            ExpiredFromDefault = expiredInDefault,
            DefaultArchive = defaultArchive,
            BeyondHorizonInDefault = beyondHorizon,
            PrunedBatchRecords = prunedBatches,
        };
    }

    /// <summary>Archives (or keeps aside, or deletes) the DEFAULT rows older than <paramref name="before"/>, in one transaction with its audit row.</summary>
    private async Task<(long Rows, PartitionArchive? Archive)> ExpireDefaultRowsAsync(DateTimeOffset before, AuditActor actor, CancellationToken cancellationToken)
    {
        const string Default = PartitionMonth.DefaultPartitionName;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        // SHARE: no row can arrive in DEFAULT between the copy and the delete.
        await PartitionSql.ExecuteAsync(connection, transaction, $"LOCK TABLE {Default} IN SHARE MODE", cancellationToken).ConfigureAwait(false);
        DateTime? oldest;
        await using (var first = new NpgsqlCommand($"SELECT min(ts) FROM {Default} WHERE ts < $1", connection, transaction))
        {
            first.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before.UtcDateTime });
            oldest = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as DateTime?;
        }

        if (oldest is null)
        {
            return (0, null);
        }

        PartitionArchive? archive = null;
        string? kept = null;
        if (_options.ArchiveDirectory is { } directory)
        {
            archive = await _archiveWriter.WriteAsync(
                connection, transaction, new ArchiveSource(Default, before, new DateTimeOffset(oldest.Value, TimeSpan.Zero), before), directory, cancellationToken).ConfigureAwait(false);
        }
        else if (_options.RetentionKeepTable)
        {
            kept = PartitionSql.KeptName(_timeProvider, Default.Replace("_default", "_default_expired", StringComparison.Ordinal), string.Empty);
            await PartitionSql.ExecuteAsync(connection, transaction, $"CREATE TABLE \"{kept}\" (LIKE telematics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", cancellationToken).ConfigureAwait(false);
        }

        long rows;
        await using (var delete = new NpgsqlCommand(
            kept is null
                ? $"DELETE FROM {Default} WHERE ts < $1"
                : $"WITH moved AS (DELETE FROM {Default} WHERE ts < $1 RETURNING *) INSERT INTO \"{kept}\" SELECT * FROM moved",
            connection,
            transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before.UtcDateTime });
            rows = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (archive is not null && archive.Rows != rows)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Archive {archive.FilePath} holds {archive.Rows} expired DEFAULT rows but {rows} were to be deleted; nothing was deleted."));
        }

        var beforeJson = string.Create(CultureInfo.InvariantCulture, $"{{\"before\":\"{before:yyyy-MM-dd}\",\"rows\":{rows}") +
            (archive is null ? string.Empty : ",\"archive\":" + ArchiveWriter.Json(archive)) +
            (kept is null ? string.Empty : $",\"table\":\"{kept}\"") + "}";
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "partition.expire_default", "partition/" + Default, beforeJson, null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (rows, archive);
    }
}
