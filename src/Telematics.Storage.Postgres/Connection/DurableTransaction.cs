using Npgsql;

namespace Telematics.Storage.Postgres.Connection;

/// <summary>
/// A pooled connection and a transaction on it whose commit is not reported failed when the server stored it and only its
/// answer was lost (<see cref="CommitFate"/>). Every write a caller would otherwise re-send, or report as "nothing stored",
/// begins here: uploads, closed trips, scores, premiums, drivers, experiments and audit rows.
/// </summary>
internal sealed class DurableTransaction : IAsyncDisposable
{
    private readonly CommitFate _fate;

    private DurableTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, CommitFate fate)
    {
        Connection = connection;
        Transaction = transaction;
        _fate = fate;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>
    /// Opens a connection and begins a transaction on it, reading the transaction's id with the BEGIN (one round trip); the
    /// connection goes back to the pool if beginning fails.
    /// </summary>
    public static async Task<DurableTransaction> BeginAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new DurableTransaction(connection, transaction, await CommitFate.ReadAsync(dataSource, connection, transaction, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Commits; a commit whose answer is lost is looked up (<see cref="CommitFate.CommitAsync"/>).</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _fate.CommitAsync(Connection, Transaction.CommitAsync, cancellationToken);

    /// <summary>
    /// Runs <paramref name="commit"/>, which ends in this transaction's COMMIT (e.g. <see cref="Audit.AuditWriter.AppendAndCommitAsync"/>,
    /// which sends the audit row with it), and looks up a lost answer as <see cref="CommitAsync(CancellationToken)"/> does.
    /// </summary>
    public Task CommitAsync(Func<CancellationToken, Task> commit, CancellationToken cancellationToken) =>
        _fate.CommitAsync(Connection, commit, cancellationToken);

    /// <summary>Rolls back what was not committed and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
