using System.Globalization;

using Npgsql;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// The SQL steps that the creator, remover, archiver, restorer and retention routine share, each in the caller's
/// transaction: the advisory lock that serialises partition DDL, the catalog check and row count of a partition, a plain
/// statement, and the name of a table kept aside.
/// </summary>
internal static class PartitionSql
{
    // "telepart" in ASCII: serialises partition DDL across processes.
    private const long AdvisoryLockKey = 0x74656c6570617274;

    /// <summary>Takes the transaction-scoped advisory lock that every structural change holds.</summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the same lock in shared mode: for work that must not interleave with partition DDL or a restore but may run
    /// alongside its own kind (an erasure).
    /// </summary>
    public static async Task LockSharedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock_shared($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="name"/> is attached to <c>telematics_events</c> as a partition.</summary>
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telematics_events'::regclass AND c.relname = $1)",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The exact row count of the table <paramref name="name"/>.</summary>
    public static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{name}\"", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// What <see cref="KeptName"/> makes of a month's partition or of the DEFAULT rows, as a POSIX regular expression: the
    /// tables retention kept aside, out of <c>telematics_events</c> but in the database.
    /// </summary>
    public const string KeptTablePattern = "^telematics_events_([0-9]{4}_[0-9]{2}_detached|default_expired)_[0-9]{8}T[0-9]{6}Z$";

    /// <summary>The role that owns <c>telematics_events</c> (the schema's owner), quoted as an identifier.</summary>
    public static async Task<string> OwnerOfEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(pg_get_userbyid(relowner)) FROM pg_class WHERE oid = 'telematics_events'::regclass", connection, transaction);
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Runs a statement that returns nothing.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name a table kept aside gets: <paramref name="name"/>, <paramref name="suffix"/> and the UTC time, which no partition pattern matches.</summary>
    public static string KeptName(TimeProvider timeProvider, string name, string suffix = "_detached") =>
        string.Create(CultureInfo.InvariantCulture, $"{name}{suffix}_{timeProvider.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}");
}
