using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

using Npgsql;

namespace Telematics.Storage.Postgres.Connection;

/// <summary>Where hosts and tools look for the PostgreSQL connection string, and how they pick one.</summary>
public static class PostgresConnectionString
{
    /// <summary>Name of the connection string in configuration (<c>ConnectionStrings:Telematics</c>).</summary>
    public const string ConfigurationName = "Telematics";

    /// <summary>Environment variable read when configuration has no connection string.</summary>
    public const string EnvironmentVariable = "TELEMATICS_PG";

    /// <summary>
    /// Picks the connection string: the configured one when present, else <see cref="EnvironmentVariable"/>.
    /// </summary>
    /// <param name="configured">Value from configuration, or <see langword="null"/>.</param>
    /// <param name="connectionString">The chosen connection string.</param>
    /// <returns><see langword="false"/> when neither source has a value.</returns>
    public static bool TryResolve(string? configured, [NotNullWhen(true)] out string? connectionString)
    {
        connectionString = !string.IsNullOrWhiteSpace(configured)
            ? configured
            : Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// How many statements Npgsql prepares automatically on each connection (its <c>Max Auto Prepare</c>) when the
    /// connection string does not say: 64, room for every statement the ingest, scoring and reads repeat.
    /// </summary>
    /// <remarks>
    /// Every upload runs about twenty short statements; unprepared, PostgreSQL parses and plans each one every time (the
    /// partitioned events table makes planning the larger part), which cost a third of the server's CPU in the
    /// streamed ingest (benchmarks/results/stream-ingest.md). Prepared statements survive a pooled connection's reuse.
    /// Set <c>Max Auto Prepare=0</c> to turn it off, for example behind a PgBouncer older than 1.21 in transaction mode.
    /// </remarks>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>The connection string with the storage's defaults for the settings it does not give (<see cref="DefaultMaxAutoPrepare"/>).</summary>
    /// <param name="connectionString">A connection string.</param>
    /// <returns>The same settings, plus the defaults.</returns>
    internal static string WithDefaults(string connectionString)
    {
        // NpgsqlConnectionStringBuilder knows every keyword, so only the plain parse says which ones were given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            {
                return connectionString;
            }
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }

    /// <summary>The message shown when no connection string is configured.</summary>
    public static string MissingMessage =>
        $"No PostgreSQL connection string: set ConnectionStrings:{ConfigurationName} in configuration or the {EnvironmentVariable} environment variable.";
}
