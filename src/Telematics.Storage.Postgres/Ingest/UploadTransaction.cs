using Npgsql;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>The pooled connection and transaction an upload (or a group of uploads) holds until it commits or is disposed.</summary>
internal static class UploadTransaction
{
    /// <summary>Opens a connection and begins a transaction on it; the connection goes back to the pool if beginning fails.</summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (connection, await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
