using Npgsql;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Api.Health;

/// <summary>The host's single <see cref="NpgsqlDataSource"/>, or the reason there is none.</summary>
internal sealed class DatabaseConnection : IAsyncDisposable
{
    public DatabaseConnection(IConfiguration configuration)
    {
        if (!PostgresConnectionString.TryResolve(configuration.GetConnectionString(PostgresConnectionString.ConfigurationName), out var connectionString))
        {
            Problem = PostgresConnectionString.MissingMessage;
            return;
        }

        try
        {
            DataSource = NpgsqlDataSource.Create(connectionString);
            Problem = string.Empty;
        }
        catch (ArgumentException ex)
        {
            Problem = $"The PostgreSQL connection string is invalid: {ex.Message}";
        }
    }

    /// <summary>The data source, or null when the connection string is missing or invalid.</summary>
    public NpgsqlDataSource? DataSource { get; }

    /// <summary>Why <see cref="DataSource"/> is null; empty otherwise.</summary>
    public string Problem { get; }

    public ValueTask DisposeAsync() => DataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}
