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
        actor.Validate();
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = occurredAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = action });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = resource });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterJson ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.Ip ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Inet });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
