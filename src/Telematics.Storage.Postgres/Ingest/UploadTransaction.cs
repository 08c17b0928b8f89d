using Npgsql;

using Telematics.Storage.Postgres.Connection;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>The pooled connection and transaction an upload (or a group of uploads) holds until it commits or is disposed.</summary>
internal static class UploadTransaction
{
    /// <summary>
    /// Opens a connection and begins a transaction on it, reading the transaction's id so that a commit whose answer is lost
    /// can be resolved (<see cref="CommitFate"/>); the connection goes back to the pool if beginning fails.
    /// </summary>
    public static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction, CommitFate Fate)> BeginAsync(
        NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return (connection, transaction, await CommitFate.ReadAsync(dataSource, connection, transaction, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
