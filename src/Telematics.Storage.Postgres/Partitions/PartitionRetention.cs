using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Ingest;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// The retention routine: plans a run from the partitions and the DEFAULT rows, creates what is due, removes what has
/// expired (archived, kept aside or dropped as configured, DEFAULT rows included) and prunes the batch ledger.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
/// <param name="options">Premake, retention, archive and ledger settings.</param>
/// <param name="timeProvider">Clock that decides the current month and the audit rows' time.</param>
/// <param name="catalog">Reads the partitions and the DEFAULT rows.</param>
/// <param name="creator">Creates the months due and knows the horizon.</param>
/// <param name="remover">Drops or detaches expired months.</param>
/// <param name="archiver">Archives expired months.</param>
/// <param name="archiveWriter">Archives expired DEFAULT rows.</param>
internal sealed class PartitionRetention(
    NpgsqlDataSource dataSource,
    TelematicsPostgresOptions options,
    TimeProvider timeProvider,
    PartitionCatalog catalog,
    PartitionCreator creator,
    PartitionRemover remover,
    PartitionArchiver archiver,
    ArchiveWriter archiveWriter)
{
    /// <summary>Runs (or, with <paramref name="dryRun"/>, plans) the routine; see <see cref="PartitionManager.MaintainAsync"/>.</summary>
    /// <returns>What was (or would be) done.</returns>
    public async Task<MaintenanceReport> MaintainAsync(AuditActor actor, bool dryRun, CancellationToken cancellationToken)
    {
        var current = PartitionMonth.From(timeProvider.GetUtcNow());
        var horizon = creator.Horizon;
        var names = await catalog.ReadPartitionNamesAsync(cancellationToken).ConfigureAwait(false);
        var defaultMonths = await catalog.ReadDefaultMonthsAsync(cancellationToken).ConfigureAwait(false);
        var plan = RetentionPlan.Make(current, options.RetentionMonths, horizon, names, defaultMonths);
        var (expiredInDefault, beyondHorizon) = await catalog.CountDefaultOutsideAsync(plan.OldestKept.Start, horizon.End, cancellationToken).ConfigureAwait(false);
        var keep = options.RetentionKeepTable;
        var archive = options.ArchiveDirectory is not null && !keep;
        PartitionArchive? defaultArchive = null;
        IReadOnlyList<string> unrecorded = [];
        if (!dryRun)
        {
            if (options.ArchiveDirectory is { } folder)
            {
                unrecorded = await ArchiveSweeper.SweepAsync(dataSource, folder, actor, timeProvider, cancellationToken).ConfigureAwait(false);
            }

            foreach (var month in plan.Created)
            {
                await creator.CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
            }

            foreach (var month in plan.Expired)
            {
                if (keep)
                {
                    await remover.DetachAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
                else if (archive)
                {
                    await archiver.ArchiveAsync(month, options.ArchiveDirectory!, actor, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await remover.DropAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
            }

            if (expiredInDefault > 0)
            {
                (expiredInDefault, defaultArchive) = await ExpireDefaultRowsAsync(plan.OldestKept.Start, actor, cancellationToken).ConfigureAwait(false);
            }
        }

        var ledgerBefore = timeProvider.GetUtcNow() - options.BatchLedgerRetention;
        var prunedBatches = dryRun
            ? await BatchLedgerPruner.CountAsync(dataSource, ledgerBefore, cancellationToken).ConfigureAwait(false)
            : await BatchLedgerPruner.PruneAsync(dataSource, ledgerBefore, actor, timeProvider, cancellationToken).ConfigureAwait(false);

        return new MaintenanceReport(plan.Created, plan.MovedFromDefault, archive ? plan.Expired : [], archive || keep ? [] : plan.Expired, dryRun)
        {
            Detached = keep ? plan.Expired : Array.Empty<PartitionMonth>(),
            ExpiredFromDefault = expiredInDefault,
            DefaultArchive = defaultArchive,
            BeyondHorizonInDefault = beyondHorizon,
            PrunedBatchRecords = prunedBatches,
            UnrecordedArchives = unrecorded,
        };
    }

    /// <summary>Archives (or keeps aside, or deletes) the DEFAULT rows older than <paramref name="before"/>, in one transaction with its audit row.</summary>
    private async Task<(long Rows, PartitionArchive? Archive)> ExpireDefaultRowsAsync(DateTimeOffset before, AuditActor actor, CancellationToken cancellationToken)
    {
        const string Default = PartitionMonth.DefaultPartitionName;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        if (options.ArchiveDirectory is { } directory)
        {
            archive = await archiveWriter.WriteAsync(
                connection, transaction, new ArchiveSource(Default, before, new DateTimeOffset(oldest.Value, TimeSpan.Zero), before), directory, cancellationToken).ConfigureAwait(false);
        }
        else if (options.RetentionKeepTable)
        {
            kept = PartitionSql.KeptName(timeProvider, Default.Replace("_default", "_default_expired", StringComparison.Ordinal), string.Empty);
            // Made as the schema's owner, as partitions are, so that the application role's default grants reach it: an
            // erasure (run as that role) deletes the driver's rows here too. Maintenance is a member of the owner.
            await PartitionSql.ExecuteAsync(
                connection,
                transaction,
                $"SET LOCAL ROLE {await PartitionSql.OwnerOfEventsAsync(connection, transaction, cancellationToken).ConfigureAwait(false)}; " +
                $"CREATE TABLE \"{kept}\" (LIKE telematics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS); RESET ROLE",
                cancellationToken).ConfigureAwait(false);
        }

        var commitSent = false;
        try
        {
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
                connection, transaction, timeProvider.GetUtcNow(), actor, "partition.expire_default", "partition/" + Default, beforeJson, null, cancellationToken).ConfigureAwait(false);
            commitSent = true;
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (rows, archive);
        }
        catch when (archive is not null)
        {
            // The rows stay in DEFAULT: so must no file of them.
            await ArchiveWriter.WithdrawAsync(dataSource, archive.FilePath, commitSent).ConfigureAwait(false);
            throw;
        }
    }
}
