using System.Data.Common;
using System.Net.Sockets;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Tells a store that cannot take a batch for now (down, restarting, failing over, overloaded, too slow) from a batch the
/// store refuses. The first is retried for as long as it takes; only the second counts towards the dead letters.
/// </summary>
/// <remarks>
/// The provider's own verdict (<see cref="DbException.IsTransient"/>) leaves out states a failover or restart produces:
/// Npgsql 10 does not count a primary demoted to a read-only standby (25006), a statement timeout (57014) or a protocol
/// violation on a connection cut mid-message (08P01), and other providers list fewer still. The SQLSTATE is read through
/// <see cref="DbException.SqlState"/>, so no provider is referenced here.
/// </remarks>
internal static class TransientStoreFailure
{
    /// <summary>Whether <paramref name="failure"/>, or one it wraps, says the store is unavailable for now rather than that the batch is wrong.</summary>
    /// <param name="failure">What storing the batch threw.</param>
    /// <returns>True to keep retrying; false when the failure may count towards dead-lettering.</returns>
    public static bool IsTransient(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DbException { IsTransient: true }:
                case DbException { SqlState: { } state } when IsTransientState(state):
                case TimeoutException:
                case IOException:
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a transient <paramref name="failure"/> is one the batch's own statements can cause while the database is up —
    /// a statement timeout (57014), a deadlock (40P01), a lock timeout (55P03), a client-side timeout — so that retrying it
    /// in place for ever could hold its partition for ever (a trip whose replay always outlasts the timeout).
    /// </summary>
    /// <param name="failure">What storing the batch threw.</param>
    /// <param name="othersCommitted">Whether other batches committed since this one's attempt started.</param>
    /// <returns>
    /// True for one of the SQLSTATEs (the server answered). A bare timeout counts only when <paramref name="othersCommitted"/>:
    /// a network that drops packets times out too, and is an outage. Never when the failure also shows an outage (a socket
    /// error, a connection exception, a shutdown, a read-only node, exhausted resources).
    /// </returns>
    public static bool IsStatementFailure(Exception failure, bool othersCommitted)
    {
        var statement = false;
        var timeout = false;
        for (var current = failure; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case System.Net.Sockets.SocketException:
                    return false;
                case DbException { SqlState: "57014" or "40P01" or "55P03" }:
                    statement = true;
                    break;
                case DbException { SqlState: { } state } when IsTransientState(state) && state is not "40001":
                    return false;
                case TimeoutException:
                    timeout = true;
                    break;
            }
        }

        return statement || (timeout && othersCommitted);
    }

    /// <summary>Whether a SQLSTATE says the server cannot serve now, not that the statement is wrong.</summary>
    /// <param name="state">A five-character SQLSTATE.</param>
    /// <returns>True for connection exceptions, shutdowns, a read-only node, cancelled statements, lock conflicts and exhausted resources.</returns>
    internal static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) // connection exception (08000, 08003, 08006, 08001, 08004, 08P01 …)
        || state.StartsWith("53", StringComparison.Ordinal) // insufficient resources: disk full, out of memory, too many connections
        || state is "57P01" // admin_shutdown: the server is stopping (a restart, a switchover)
            or "57P02" // crash_shutdown: another backend crashed and the server restarts
            or "57P03" // cannot_connect_now: starting up or in recovery
            or "57P05" // idle_session_timeout
            or "57014" // query_canceled: a statement timeout, or a cancel from the server side
            or "25006" // read_only_sql_transaction: a failover landed on a standby
            or "40001" // serialization_failure
            or "40P01" // deadlock_detected
            or "55P03" // lock_not_available: a lock timeout
            or "58000" // system_error
            or "58030"; // io_error
}
