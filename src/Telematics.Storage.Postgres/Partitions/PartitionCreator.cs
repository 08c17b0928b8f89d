using System.Collections.Concurrent;
using System.Globalization;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Creates month partitions — on demand, ahead of ingest, and to take a month's rows out of DEFAULT — and remembers
/// which months this instance has seen with a partition, so that ingest skips the create call for them.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
/// <param name="options">The premake setting, which fixes the horizon.</param>
/// <param name="timeProvider">Clock that decides the current month and the audit rows' time.</param>
/// <param name="catalog">Reads the months DEFAULT holds rows of.</param>
internal sealed class PartitionCreator(NpgsqlDataSource dataSource, TelematicsPostgresOptions options, TimeProvider timeProvider, PartitionCatalog catalog)
{
    // Only saves create calls: ingest checks the catalog under its locks whether a month is cached or not.
    private readonly ConcurrentDictionary<PartitionMonth, byte> _known = new();

    /// <summary>The last month that ingest gives a partition: <see cref="TelematicsPostgresOptions.PremakeMonths"/> after the current UTC month.</summary>
    public PartitionMonth Horizon => PartitionMonth.From(timeProvider.GetUtcNow()).AddMonths(options.PremakeMonths);

    /// <summary>Marks the month as having a partition, after a transaction that made sure of it committed.</summary>
    public void Remember(PartitionMonth month) => _known.TryAdd(month, 0);

    /// <summary>Drops the month from the cache, after its partition was dropped or detached (or found missing).</summary>
    public void Forget(PartitionMonth month) => _known.TryRemove(month, out _);

    /// <summary>Creates the month's partition unless it exists; see <see cref="PartitionManager.CreateAsync"/>.</summary>
    /// <returns>Rows moved out of DEFAULT, or -1 when the partition already existed.</returns>
    public async Task<long> CreateAsync(PartitionMonth month, AuditActor actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PartitionSql.LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var moved = await CreateLockedAsync(connection, transaction, month, actor, cancellationToken).ConfigureAwait(false);
        if (moved >= 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Remember(month);
        return moved;
    }

    /// <summary>Creates the month's partition inside the caller's transaction, which holds the advisory lock.</summary>
    /// <returns>Rows moved out of DEFAULT, or -1 when the partition already existed.</returns>
    public async Task<long> CreateLockedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PartitionMonth month, AuditActor actor, CancellationToken cancellationToken)
    {
        var name = month.PartitionName;
        if (await PartitionSql.ExistsAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))
        {
            return -1;
        }

        // Created by the schema owner's function (migration 0015): the application role creates no table itself.
        long moved;
        await using (var create = new NpgsqlCommand("SELECT telematics_create_month_partition($1)", connection, transaction))
        {
            create.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = new DateOnly(month.Year, month.Month, 1) });
            moved = (long)(await create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (moved < 0)
        {
            return -1;
        }

        await AuditWriter.AppendAsync(
            connection, transaction, timeProvider.GetUtcNow(), actor, "partition.create", "partition/" + name, null,
            string.Create(CultureInfo.InvariantCulture, $"{{\"month\":\"{month}\",\"moved_from_default\":{moved}}}"),
            cancellationToken).ConfigureAwait(false);
        return moved;
    }

    /// <summary>
    /// Inside an ingest transaction: makes sure each month up to the horizon has its partition and holds it ROW EXCLUSIVE
    /// until the transaction ends; see <see cref="PartitionManager.EnsureMonthsAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A month's partition disappeared three times in a row while being taken.</exception>
    public async Task EnsureMonthsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PartitionMonth> months, AuditActor actor, CancellationToken cancellationToken)
    {
        var horizon = Horizon;
        var wanted = months.Where(m => m <= horizon).Distinct().Order().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            foreach (var month in wanted)
            {
                if (!_known.ContainsKey(month))
                {
                    await CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.SaveAsync("partition_months", cancellationToken).ConfigureAwait(false);
            var missing = await LockAttachedAsync(connection, transaction, wanted, cancellationToken).ConfigureAwait(false);
            if (missing.Count == 0)
            {
                await transaction.ReleaseAsync("partition_months", cancellationToken).ConfigureAwait(false);
                return;
            }

            await transaction.RollbackAsync("partition_months", cancellationToken).ConfigureAwait(false);
            foreach (var month in missing)
            {
                Forget(month);
            }

            if (attempt == Attempts)
            {
                throw new InvalidOperationException(
                    $"The partition of {string.Join(", ", missing)} was dropped again by another process each of {Attempts} times it was created; the batch was not written.");
            }
        }
    }

    /// <summary>Moves every DEFAULT row that has a supported month into that month's partition; see <see cref="PartitionManager.MoveDefaultRowsAsync"/>.</summary>
    /// <returns>Rows moved.</returns>
    public async Task<long> MoveDefaultRowsAsync(AuditActor actor, CancellationToken cancellationToken)
    {
        long moved = 0;
        foreach (var (month, _) in await catalog.ReadDefaultMonthsAsync(cancellationToken).ConfigureAwait(false))
        {
            // A month that has rows in DEFAULT cannot have a partition (PostgreSQL forbids the overlap), so
            // creating it moves the rows.
            moved += Math.Max(0, await CreateAsync(month, actor, cancellationToken).ConfigureAwait(false));
        }

        return moved;
    }

    /// <summary>Locks the parent, then the months' partitions, ROW EXCLUSIVE (in name order) and returns the months that are not attached partitions.</summary>
    private static async Task<List<PartitionMonth>> LockAttachedAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<PartitionMonth> months, CancellationToken cancellationToken)
    {
        var names = months.Select(m => m.PartitionName).ToArray();
        try
        {
            await using var command = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    // The parent first, as DETACH PARTITION takes it: an ingest and a drop then queue instead of deadlocking.
                    new NpgsqlBatchCommand(
                        $"LOCK TABLE ONLY telematics_events, {string.Join(", ", names.Select(n => $"ONLY \"{n}\""))} IN ROW EXCLUSIVE MODE"),
                    new NpgsqlBatchCommand(
                        "SELECT n FROM unnest($1::text[]) n WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
                        "WHERE i.inhparent = 'telematics_events'::regclass AND c.relname = n)")
                    {
                        Parameters = { new NpgsqlParameter<string[]> { TypedValue = names } },
                    },
                },
            };
            var missing = new List<PartitionMonth>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = PartitionMonth.TryParseName(reader.GetString(0), out var month);
                missing.Add(month);
            }

            return missing;
        }
        catch (PostgresException gone) when (gone.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return months; // Dropped since it was cached or created: the caller creates them again.
        }
    }
}
