using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>
/// Deletes the records of stored streamed batches (<c>ingest_batches</c>) past their retention, so the ledger grows with the
/// stream's redelivery horizon rather than with the book's whole history (a million phones uploading every few minutes
/// write hundreds of millions of records a day).
/// </summary>
internal static class BatchLedgerPruner
{
    // Short transactions: a large backlog is deleted slice by slice, and an interrupted run keeps the slices it finished.
    private const int SliceSize = 20_000;

    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM ingest_batches WHERE stored_at < $1");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before.UtcDateTime });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Deletes the records stored before <paramref name="before"/>, each slice with its audit row; returns how many.</summary>
    public static async Task<long> PruneAsync(NpgsqlDataSource dataSource, DateTimeOffset before, AuditActor actor, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var delete = new NpgsqlCommand(
                "DELETE FROM ingest_batches WHERE batch_id IN (SELECT batch_id FROM ingest_batches WHERE stored_at < $1 ORDER BY stored_at LIMIT $2)",
                connection,
                transaction);
            delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = before.UtcDateTime });
            delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SliceSize });
            var deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (deleted == 0)
            {
                return total;
            }

            await AuditWriter.AppendAndCommitAsync(
                connection, transaction, timeProvider.GetUtcNow(), actor, "ingest_batches.prune", "ingest_batches", null,
                string.Create(CultureInfo.InvariantCulture, $"{{\"deleted\":{deleted},\"stored_before\":\"{before.UtcDateTime:O}\"}}"),
                cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < SliceSize)
            {
                return total;
            }
        }
    }
}
