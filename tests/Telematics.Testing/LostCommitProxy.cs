using System.Net;
using System.Net.Sockets;
using System.Text;

using Npgsql;

namespace Telematics.Testing;

/// <summary>Where <see cref="LostCommitProxy"/> cuts the session that sends the next COMMIT.</summary>
public enum CommitCut
{
    /// <summary>The server commits; its answer is swallowed and the session cut once the server has reported the commit done.</summary>
    AfterCommit,

    /// <summary>The session is cut before the COMMIT reaches the server: nothing is stored.</summary>
    BeforeCommit,
}

/// <summary>
/// A loopback TCP relay in front of a real PostgreSQL server that loses one COMMIT's answer, as a fast shutdown or a dropped
/// network path does: the client sees a broken session and cannot tell whether its transaction is stored. Armed with
/// <see cref="Arm"/>, it cuts the next session whose client sends a COMMIT; every other session is relayed untouched.
/// Connections through it must not prepare statements (the default), so that the COMMIT is sent as text.
/// </summary>
public sealed class LostCommitProxy : IAsyncDisposable
{
    // The statement as the client sends it (a query's or a Parse message's text ends in a NUL); "READ COMMITTED" does not match.
    private static readonly byte[] CommitText = Encoding.ASCII.GetBytes("COMMIT\0");

    // The server's CommandComplete tag for a COMMIT ('C', length, "COMMIT\0"): the commit is done when the server sends it.
    private static readonly byte[] CommitDoneTag = Encoding.ASCII.GetBytes("COMMIT\0");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _serverHost;
    private readonly int _serverPort;
    private readonly NpgsqlConnectionStringBuilder _through;
    private readonly Task _accepting;
    private readonly List<Task> _relays = [];
    private int _armed = -1;
    private int _cuts;

    /// <param name="connectionString">The server's connection string (host and port over TCP).</param>
    public LostCommitProxy(string connectionString)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        _serverHost = server.Host ?? throw new ArgumentException("The connection string names no host.", nameof(connectionString));
        _serverPort = server.Port;
        _listener.Start();
        // Plain text, so the relay reads the COMMIT; no prepared statements, so it is sent as text every time.
        _through = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
            SslMode = SslMode.Disable,
            MaxAutoPrepare = 0,
        };
        _accepting = AcceptAsync();
    }

    /// <summary>The connection string that reaches the server through the relay.</summary>
    public string ConnectionString => _through.ConnectionString;

    /// <summary>How many sessions were cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Cuts the next session that sends a COMMIT, at <paramref name="cut"/>; once.</summary>
    public void Arm(CommitCut cut) => Volatile.Write(ref _armed, (int)cut);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. Relays()]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private Task[] Relays()
    {
        lock (_relays)
        {
            return [.. _relays];
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_relays)
            {
                _relays.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var relay = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_serverHost, _serverPort, relay.Token);
                var session = new Session();
                var toServer = ClientToServerAsync(client.GetStream(), server.GetStream(), session, relay.Token);
                var toClient = ServerToClientAsync(server.GetStream(), client.GetStream(), session, relay.Token);
                await Task.WhenAny(toServer, toClient);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // A side went away: the other is closed with it below.
            }
            finally
            {
                await relay.CancelAsync();
            }
        }
    }

    private async Task ClientToServerAsync(NetworkStream client, NetworkStream server, Session session, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await client.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (buffer.AsSpan(0, read).IndexOf(CommitText) >= 0 && Interlocked.Exchange(ref _armed, -1) is var armed and >= 0)
            {
                if ((CommitCut)armed == CommitCut.BeforeCommit)
                {
                    Interlocked.Increment(ref _cuts);
                    return;
                }

                session.SwallowAnswers = true;
            }

            await server.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private async Task ServerToClientAsync(NetworkStream server, NetworkStream client, Session session, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await server.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (!session.SwallowAnswers)
            {
                await client.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                continue;
            }

            // Answers to the commit's round trip are dropped; once the server says the commit is done, the session is cut.
            if (buffer.AsSpan(0, read).IndexOf(CommitDoneTag) >= 0)
            {
                Interlocked.Increment(ref _cuts);
                return;
            }
        }
    }

    private sealed class Session
    {
        public volatile bool SwallowAnswers;
    }
}
