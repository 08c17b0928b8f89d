using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

using Npgsql;

namespace Telematics.Storage.Postgres.Migrations;

/// <summary>
/// Applies the package's embedded SQL migrations (<c>0001_….sql</c>, in order) to a database and records each
/// in <c>schema_migrations</c> with its SHA-256 checksum.
/// </summary>
/// <remarks>
/// Each migration runs in a transaction of its own under a transaction-scoped advisory lock, so that two
/// processes starting at once apply it once; a migration that fails rolls back whole. Re-running is a no-op.
/// Thread-safe: the lock is in the database.
/// </remarks>
public sealed class MigrationRunner
{
    // Arbitrary constant shared by every process of this package: "telemig" in ASCII.
    private const long AdvisoryLockKey = 0x74656c656d6967;
    private const string ResourcePrefix = "Telematics.Storage.Postgres.Migrations.";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates a runner that migrates the database of <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">Data source of the target database; the user needs CREATE rights.</param>
    public MigrationRunner(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>The migrations embedded in this package, in the order they apply.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    /// <summary>Applies every embedded migration that the database has not recorded yet.</summary>
    /// <param name="cancellationToken">Cancels between statements; the running migration rolls back.</param>
    /// <returns>The versions applied by this call, empty when the database was up to date.</returns>
    /// <exception cref="MigrationException">An applied migration's checksum differs from the embedded one, or a migration failed.</exception>
    /// <exception cref="PostgresException">
    /// A transient failure (a lock not granted within a migration's <c>lock_timeout</c>, a deadlock, a serialization
    /// failure, a statement timeout, the server shutting down or refusing connections): the migration rolled back and a
    /// later call may succeed.
    /// </exception>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var applied = new List<int>();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var migration in Embedded)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AdvisoryLockKey });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Only when missing: CREATE … IF NOT EXISTS still needs CREATE on the schema, which the application role
            // lacks, and it may check an up-to-date schema at start-up.
            await using (var command = new NpgsqlCommand(
                "DO $$ BEGIN IF to_regclass('schema_migrations') IS NULL THEN CREATE TABLE schema_migrations (" +
                "version integer PRIMARY KEY, name text NOT NULL, checksum bytea NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); END IF; END $$",
                connection,
                transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            byte[]? recorded;
            await using (var check = new NpgsqlCommand("SELECT checksum FROM schema_migrations WHERE version = $1", connection, transaction))
            {
                check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                recorded = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
            }

            if (recorded is not null)
            {
                if (!recorded.AsSpan().SequenceEqual(migration.Checksum.Span))
                {
                    throw new MigrationException(
                        $"Migration {migration.Name} was applied with a different checksum than the embedded one: applied migrations must not change.",
                        migration.Name);
                }

                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await using (var run = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await run.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                    record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                    record.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = migration.Checksum.ToArray() });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException error) when (!IsTransient(error.SqlState))
            {
                throw new MigrationException($"Migration {migration.Name} failed and was rolled back: {error.MessageText}", migration.Name, error);
            }

            applied.Add(migration.Version);
        }

        return applied;
    }

    // Lost races, not faults of the migration: a host of a rolling upgrade whose lock_timeout ran out while an old host held
    // the table must retry, not report the schema as broken (lock_not_available, deadlock, serialization failure,
    // statement timeout, shutdown, too many connections, connection exceptions).
    private static bool IsTransient(string state) =>
        state is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
        || state.StartsWith("08", StringComparison.Ordinal);

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..];
            migrations.Add(Load(assembly, resource, name));
        }

        migrations.Sort(static (a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    private static Migration Load(Assembly assembly, string resource, string name)
    {
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore != 4 || !int.TryParse(name.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new MigrationException($"Embedded migration {name} is not named NNNN_description.sql.", name);
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd();
        return new Migration(version, name, sql, SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
    }
}
