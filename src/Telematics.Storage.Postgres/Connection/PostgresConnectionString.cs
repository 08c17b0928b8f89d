using System.Diagnostics.CodeAnalysis;

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

    /// <summary>The message shown when no connection string is configured.</summary>
    public static string MissingMessage =>
        $"No PostgreSQL connection string: set ConnectionStrings:{ConfigurationName} in configuration or the {EnvironmentVariable} environment variable.";
}
