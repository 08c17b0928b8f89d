using System.Net;
using System.Net.Sockets;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a server that can be stalled: after <see cref="Stall"/> it keeps every connection
/// open and accepts new ones but passes no byte either way, as a server that hangs or a network path that drops packets
/// without resetting does (the client's reads wait for its own timeout, nothing is refused). <see cref="Resume"/> lets
/// the held bytes through.
/// </summary>
internal sealed class StallingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly EndPoint _target;
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Open();

    public StallingRelay(EndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's port on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Holds every byte from now on, on open and new connections alike.</summary>
    public void Stall()
    {
        lock (_listener)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Lets bytes through again.</summary>
    public void Resume()
    {
        lock (_listener)
        {
            _flowing.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private Task Flowing()
    {
        lock (_listener)
        {
            return _flowing.Task;
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
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
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync((IPEndPoint)_target, _stop.Token);
                await Task.WhenAny(
                    PumpAsync(client.GetStream(), server.GetStream()),
                    PumpAsync(server.GetStream(), client.GetStream()));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // One side hung up, or the relay stopped.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await Flowing().WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
