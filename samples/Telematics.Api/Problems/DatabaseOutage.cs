using System.Net.Sockets;
using Npgsql;

namespace Telematics.Api.Problems;

/// <summary>
/// Tells a database outage (the server is down, restarting, failing over, refusing connections or too slow) from a
/// bug, so that the host answers 503 <c>unavailable</c> with <c>Retry-After</c> for the first and 500 for the second.
/// </summary>
internal static class DatabaseOutage
{
    /// <summary>Seconds a client is told to wait before retrying after an outage (<c>Retry-After</c>).</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps, is a transient database failure: Npgsql's own
    /// <see cref="NpgsqlException.IsTransient"/>, a server shutting down or not accepting connections (SQLSTATE class
    /// 08, 57P01–57P03, 53300), a standby refusing a write during a failover (25006), a broken or refused socket, or a
    /// timeout of Npgsql's (an <see cref="NpgsqlException"/> wrapping the <see cref="TimeoutException"/>). A bare
    /// <see cref="TimeoutException"/> is not one: Redis's timeouts derive from it, and a write that committed before
    /// Redis stalled must not be answered "nothing was stored".
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres when IsTransientState(postgres.SqlState) || postgres.IsTransient:
                    return true;
                case PostgresException:
                    // A server answer such as a constraint violation: the database is up, the request or code is wrong.
                    return false;
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case EndOfStreamException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }

        return false;
    }

    /// <summary>The SQLSTATE of the failure when the server sent one (e.g. 57P01), for the log.</summary>
    public static string? SqlState(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres.SqlState;
            }
        }

        return null;
    }

    private static bool IsTransientState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) // connection exception
        || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.ReadOnlySqlTransaction; // the address points at a standby until the failover completes
}
