using System.Net;
using System.Net.Sockets;

namespace Telematics.Testing;

/// <summary>
/// A loopback TCP relay in front of a server, for the two ways a network path fails:
/// <see cref="Cut"/> closes every relayed connection and turns new ones away (accepted, then closed at once), as a path
/// that goes down does; <see cref="Stall"/> keeps every connection open and accepts new ones but passes no byte either
/// way, as a server that hangs or a path that drops packets without resetting does (the client's reads wait for its own
/// timeout). <see cref="Resume"/> undoes either.
/// </summary>
public sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly IPEndPoint _target;
    private readonly List<(TcpClient Client, TcpClient Server)> _open = [];
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Flowing();
    private bool _cut;

    /// <summary>Starts relaying 127.0.0.1:<see cref="Port"/> to <paramref name="target"/>.</summary>
    public LoopbackRelay(IPEndPoint target)
    {
        _target = target;
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

    /// <summary>Holds every byte from now on, on open and new connections alike.</summary>
    public void Stall()
    {
        lock (_open)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Relays new connections again and lets held bytes through.</summary>
    public void Resume()
    {
        lock (_open)
        {
            _cut = false;
            _flowing.TrySetResult();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        Resume();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private Task WhenFlowing()
    {
        lock (_open)
        {
            return _flowing.Task;
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
            await server.ConnectAsync(_target, _stop.Token);
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream()));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Cut, one side hung up, or the relay stopped.
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

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await WhenFlowing().WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
