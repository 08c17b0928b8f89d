using System.Net;
using System.Net.Sockets;

namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a port that can be cut: <see cref="Cut"/> closes every relayed connection and turns
/// new ones away (accepted, then closed at once) until <see cref="Resume"/>, as a network path that goes down and comes
/// back does. Between a host's dashboard and its own API, it takes the API and the live hub away while the browser's
/// circuit stays up.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private readonly List<(TcpClient Client, TcpClient Server)> _open = [];
    private readonly Task _accepting;
    private bool _cut;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's port on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Closes every relayed connection and turns new ones away.</summary>
    public void Cut()
    {
        lock (_open)
        {
            _cut = true;
            foreach (var (client, server) in _open)
            {
                client.Dispose();
                server.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Relays new connections again.</summary>
    public void Resume()
    {
        lock (_open)
        {
            _cut = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
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

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_open)
        {
            if (_cut)
            {
                client.Dispose();
                server.Dispose();
                return;
            }

            _open.Add((client, server));
        }

        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            await Task.WhenAny(
                client.GetStream().CopyToAsync(server.GetStream(), _stop.Token),
                server.GetStream().CopyToAsync(client.GetStream(), _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Cut, or one side hung up.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove((client, server));
            }

            client.Dispose();
            server.Dispose();
        }
    }
}
