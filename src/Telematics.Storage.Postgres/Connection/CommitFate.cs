using System.Data;
using System.Runtime.ExceptionServices;

using Npgsql;

namespace Telematics.Storage.Postgres.Connection;

/// <summary>
/// Finds out what became of a commit whose answer was lost. A COMMIT the server carried out can still fail on the client:
/// a fast shutdown or a dropped socket between the commit and its acknowledgement breaks the connection, and the caller
/// would report "nothing stored" for a transaction that is stored. The transaction's id, read before the commit, lets a
/// fresh connection ask the server (<c>pg_xact_status</c>) once it answers again.
/// </summary>
internal sealed class CommitFate
{
    /// <summary>
    /// How long a lost acknowledgement is resolved for: a server restarting within it (a fast shutdown and start, a
    /// fail-over) turns the failure into the truth; a longer outage leaves the caller's error as it was, and the caller
    /// re-sends an idempotent write.
    /// </summary>
    internal static readonly TimeSpan ResolveWithin = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _transactionId;

    private CommitFate(NpgsqlDataSource dataSource, string transactionId)
    {
        _dataSource = dataSource;
        _transactionId = transactionId;
    }

    /// <summary>
    /// Reads the transaction's id (assigning one now; a write would anyway). It is the transaction's first statement, so
    /// Npgsql sends the BEGIN with it: one round trip.
    /// </summary>
    public static async Task<CommitFate> ReadAsync(
        NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_xact_id()::text", connection, transaction);
        var id = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new CommitFate(dataSource, id);
    }

    /// <summary>
    /// Runs <paramref name="commit"/>. When it fails with the connection gone (broken or closed: the outcome unknown), waits up to
    /// <see cref="ResolveWithin"/> for the server to say whether the transaction committed: if it did, returns as if the
    /// commit had answered; if it did not, or the server does not answer in time, the commit's own failure is thrown.
    /// A failure on a connection still open is the server's refusal (nothing committed) and is thrown at once.
    /// </summary>
    public async Task CommitAsync(NpgsqlConnection connection, Func<CancellationToken, Task> commit, CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo failure;
        try
        {
            await commit(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException && connection.FullState != ConnectionState.Open)
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }

        if (!await CommittedAsync(cancellationToken).ConfigureAwait(false))
        {
            failure.Throw();
        }
    }

    /// <summary>
    /// Whether the server reports the transaction committed: false when it reports it aborted or unknown, or does not
    /// answer within <see cref="ResolveWithin"/>. Throws <see cref="OperationCanceledException"/> when the caller cancels.
    /// </summary>
    internal async Task<bool> CommittedAsync(CancellationToken cancellationToken)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(ResolveWithin);
        var pause = FirstPause;
        while (true)
        {
            string? status;
            try
            {
                status = await StatusAsync(within.Token).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == "22023")
            {
                // "In the future": the id never reached the log, so the server that restarted never committed it.
                return false;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // Not answering yet: still down, restarting, or a pooled connection from before the outage.
                cancellationToken.ThrowIfCancellationRequested();
                status = "unanswered";
            }

            switch (status)
            {
                case "committed":
                    return true;
                case "aborted":
                case null: // older than the status horizon: no transaction of ours stays open that long
                    return false;
            }

            // "in progress" (the old session has not yet seen its connection go) or no answer: ask again, until the deadline.
            try
            {
                await Task.Delay(pause, within.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return false;
            }

            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    private async Task<string?> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT pg_xact_status($1::xid8)", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _transactionId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }
}
