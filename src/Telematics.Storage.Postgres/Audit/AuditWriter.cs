using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>Appends audit rows inside the caller's transaction; the database trigger chains them.</summary>
internal static class AuditWriter
{
    private const string InsertSql =
        "INSERT INTO audit_log (occurred_at, actor, action, resource, before, after, ip) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq";

    public static async Task<long> AppendAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        DateTimeOffset occurredAt,
        AuditActor actor,
        string action,
        string resource,
        string? beforeJson,
        string? afterJson,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(command.Parameters, occurredAt, actor, action, resource, beforeJson, afterJson);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Appends the transaction's last audit row and commits it in one round trip. The chain's head is locked from a
    /// transaction's first append until its commit, so every append of every writer waits that long; sent apart, the commit
    /// would hold the head across a round trip to this client (and its scheduling on a busy machine), which serialised
    /// concurrent uploads at about a hundred commits a second. On failure nothing is committed: the server skips the
    /// COMMIT after a failed insert, and the caller's dispose rolls the transaction back.
    /// </summary>
    public static async Task AppendAndCommitAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        DateTimeOffset occurredAt,
        AuditActor actor,
        string action,
        string resource,
        string? beforeJson,
        string? afterJson,
        CancellationToken cancellationToken)
    {
        var insert = new NpgsqlBatchCommand(InsertSql);
        AddParameters(insert.Parameters, occurredAt, actor, action, resource, beforeJson, afterJson);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { insert, new NpgsqlBatchCommand("COMMIT") } };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="AppendAndCommitAsync"/> for several rows (an upload group's, one per member upload): the inserts and the
    /// COMMIT in one round trip, the rows chained in list order; only the COMMIT when there is none.
    /// </summary>
    public static async Task AppendManyAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset occurredAt, IReadOnlyList<(AuditActor Actor, AuditChange Change)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (actor, change) in rows)
        {
            var insert = new NpgsqlBatchCommand(InsertSql);
            AddParameters(insert.Parameters, occurredAt, actor, change.Action, change.Resource, null, change.After);
            batch.BatchCommands.Add(insert);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddParameters(
        NpgsqlParameterCollection parameters, DateTimeOffset occurredAt, AuditActor actor, string action, string resource, string? beforeJson, string? afterJson)
    {
        actor.Validate();
        parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = occurredAt.UtcDateTime });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = actor.Name });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = resource });
        parameters.Add(new NpgsqlParameter { Value = (object?)beforeJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(new NpgsqlParameter { Value = (object?)afterJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(new NpgsqlParameter { Value = (object?)actor.Ip ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Inet });
    }
}
