using System.Globalization;
using System.Text;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Takes a month's partition off <c>telematics_events</c>: detached and dropped with its rows, or detached and kept
/// under a name no partition pattern matches; each with an audit row, under the advisory lock.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
/// <param name="timeProvider">Clock for the audit rows and the names of kept tables.</param>
/// <param name="creator">Forgets the months whose partitions are gone.</param>
internal sealed class PartitionRemover(NpgsqlDataSource dataSource, TimeProvider timeProvider, PartitionCreator creator)
{
    /// <summary>Detaches and drops the month's partition; see <see cref="PartitionManager.DropAsync"/>.</summary>
    /// <returns>Rows dropped, or -1 when the month has no partition.</returns>
    public async Task<long> DropAsync(PartitionMonth month, AuditActor actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var name = month.PartitionName;
        if (!await PartitionSql.ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            creator.Forget(month);
            return -1;
        }

        var rows = await PartitionSql.CountAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        await DetachAndDropAsync(connection, transaction, month, actor, "partition.drop", rows, null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        creator.Forget(month);
        return rows;
    }

    /// <summary>Detaches the month's partition and keeps its table under a name no partition pattern matches, with an audit row.</summary>
    public async Task DetachAsync(PartitionMonth month, AuditActor actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var name = month.PartitionName;
        if (!await PartitionSql.ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var rows = await PartitionSql.CountAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
        var kept = PartitionSql.KeptName(timeProvider, name);
        await PartitionSql.ExecuteAsync(connection, transaction, $"ALTER TABLE telematics_events DETACH PARTITION \"{name}\"; ALTER TABLE \"{name}\" RENAME TO \"{kept}\"", cancellationToken).ConfigureAwait(false);
        await AuditWriter.AppendAsync(
            connection, transaction, timeProvider.GetUtcNow(), actor, "partition.detach", "partition/" + name,
            string.Create(CultureInfo.InvariantCulture, $"{{\"month\":\"{month}\",\"rows\":{rows}}}"),
            string.Create(CultureInfo.InvariantCulture, $"{{\"table\":\"{kept}\"}}"),
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        creator.Forget(month);
    }

    /// <summary>Detaches and drops the month's partition inside the caller's locked transaction, with an audit row of <paramref name="action"/>.</summary>
    public async Task DetachAndDropAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PartitionMonth month, AuditActor actor, string action, long rows, string? archiveJson, CancellationToken cancellationToken)
    {
        var name = month.PartitionName;
        await PartitionSql.ExecuteAsync(connection, transaction, $"ALTER TABLE telematics_events DETACH PARTITION \"{name}\"; DROP TABLE \"{name}\"", cancellationToken).ConfigureAwait(false);
        var before = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{{\"month\":\"{month}\",\"rows\":{rows}")
            .Append(archiveJson is null ? string.Empty : ",\"archive\":" + archiveJson)
            .Append('}')
            .ToString();
        await AuditWriter.AppendAsync(connection, transaction, timeProvider.GetUtcNow(), actor, action, "partition/" + name, before, null, cancellationToken).ConfigureAwait(false);
    }
}
