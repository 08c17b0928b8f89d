using System.Text.Json;

using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Telematics.Dashboard.Session;

namespace Telematics.Dashboard.Live;

/// <summary>
/// The host's live hub (<c>/hubs/live</c>) as this tab's user hears it: one connection per circuit, with the user's token,
/// so the hub's own rules decide what arrives (a driver hears only their own driver). Views subscribe to the book or to
/// one driver and reload when a trip closes or a score or premium is stored; a burst of messages is one reload.
/// </summary>
/// <remarks>
/// Scoped: one per circuit. LiveSubscriptions are called on the hub client's thread; views marshal with InvokeAsync.
/// A sign-out or sign-in moves within the circuit (no page load), so the connection is dropped whenever the session's
/// token changes: the hub placed it in the groups of the user who opened it, and another user must not hear them.
/// A lost connection is retried (<see cref="DashboardOptions.LiveReconnectDelays"/>, then at the last delay for as long
/// as a view listens); messages sent meanwhile are lost, so every view reloads once it is back, and the drivers it watched
/// are joined again (a new connection is in no group the hub did not place it in itself).
/// </remarks>
public sealed partial class LiveUpdates : IAsyncDisposable
{

    private readonly DashboardSession _session;
    private readonly DashboardHostAddress _host;
    private readonly TimeSpan[] _delays;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    // The connection and the token it was opened with, swapped as one.
    private Link? _link;
    private int _state;
    private int _retrying;

    /// <summary>Creates the circuit's live updates; they follow <paramref name="session"/>'s sign-ins and sign-outs.</summary>
    public LiveUpdates(DashboardSession session, DashboardHostAddress host, IOptions<DashboardOptions> options, ILogger<LiveUpdates> logger)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        (_session, _host, _logger) = (session, host, logger);
        _delays = options.Value.ReconnectDelays();
        session.Changed += OnSessionChanged;
    }

    /// <summary>Raised, on any thread, when <see cref="State"/> changes.</summary>
    public event Action? StateChanged;

    /// <summary>Whether the updates reach this tab now.</summary>
    public LiveState State => (LiveState)Volatile.Read(ref _state);

    /// <summary>Calls <paramref name="onChange"/> after any change in the book the user may see.</summary>
    /// <returns>Dispose to stop.</returns>
    public async Task<IDisposable> WatchBookAsync(Func<Task> onChange)
    {
        var subscription = Add(null, onChange, null);
        await SyncAsync(subscription).ConfigureAwait(false);
        return subscription;
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> after a change of one driver, and <paramref name="onScore"/> at once with each
    /// score of that driver the hub tells (on the hub client's thread, before the change).
    /// </summary>
    /// <returns>Dispose to stop.</returns>
    public async Task<IDisposable> WatchDriverAsync(long driverId, Func<Task> onChange, Action<LiveScore>? onScore = null)
    {
        var subscription = Add(driverId, onChange, onScore);
        // A connection opened now joins every watched driver itself; one already open joins this one.
        if (await SyncAsync(subscription).ConfigureAwait(false) is { } open)
        {
            await JoinAsync(open, [driverId]).ConfigureAwait(false);
        }

        return subscription;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _session.Changed -= OnSessionChanged;
        // The semaphore and the source are not disposed: a retry or a resync may still be winding down on them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _link, null) is { } link)
        {
            await link.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Brings the connection in line with the session: drops one opened for another token, and opens one when a view
    /// listens and a user is signed in. Never throws but when the circuit is going away.
    /// </summary>
    /// <param name="adding">The subscription that asks (it has just loaded: no reload for it), or null.</param>
    /// <returns>The connection when it was already open for this token, else null (opened now, or none).</returns>
    private async Task<HubConnection?> SyncAsync(LiveSubscription? adding)
    {
        await _connecting.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            var token = _session.Token;
            if (Volatile.Read(ref _link) is { } link)
            {
                if (link.Token == token)
                {
                    // Open, or reconnecting on its own: the reconnect joins and reloads.
                    return link.Connection;
                }

                // Opened for a user who has signed out since.
                Interlocked.CompareExchange(ref _link, null, link);
                SetState(LiveState.Off);
                await link.Connection.DisposeAsync().ConfigureAwait(false);
            }

            if (token is null || Snapshot().Length == 0)
            {
                SetState(LiveState.Off);
                return null;
            }

            if (_host.Root is not { } root)
            {
                // Nothing to retry: the address is missing from the configuration (DashboardHostAddress logged it).
                SetState(LiveState.Paused);
                return null;
            }

            var connection = Build(root, token);
            try
            {
                await connection.StartAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (e is OperationCanceledException && _stopping.IsCancellationRequested)
                {
                    throw;
                }

                if (e is HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized })
                {
                    // The token no longer works (it expired while the page was open): trying again cannot help, and the
                    // views send the user to sign in, as a page's own 401 does.
                    LiveUpdatesLog.TokenRefused(_logger);
                    SetState(LiveState.SessionEnded);
                    return null;
                }

                // Live updates are a convenience: the views load and reload on demand without them, and say they are paused.
                LiveUpdatesLog.ConnectFailed(_logger, e.GetType().Name);
                SetState(LiveState.Paused);
                ScheduleRetry();
                return null;
            }

            var wasPaused = State == LiveState.Paused;
            Volatile.Write(ref _link, new Link(connection, token));
            SetState(LiveState.Live);
            await JoinAsync(connection, WatchedDrivers()).ConfigureAwait(false);
            if (wasPaused)
            {
                // Whatever changed while there was no connection was not heard.
                Reload(except: adding);
            }

            return null;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private HubConnection Build(Uri root, string token)
    {
        var connection = new HubConnectionBuilder()
            // The token this connection is for, not the session's latest: a reconnect never carries another user's.
            .WithUrl(new Uri(root, "hubs/live"), http => http.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect(_delays)
            .Build();
        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, message => Dispatch(method, message));
        }

        connection.Reconnecting += _ =>
        {
            if (IsCurrent(connection))
            {
                SetState(LiveState.Paused);
            }

            return Task.CompletedTask;
        };
        connection.Reconnected += _ => OnReconnectedAsync(connection);
        connection.Closed += _ => OnClosedAsync(connection);
        return connection;
    }

    private async Task OnReconnectedAsync(HubConnection connection)
    {
        if (!IsCurrent(connection))
        {
            return;
        }

        SetState(LiveState.Live);
        // A reconnect is a new connection to the hub: it is in its user's own groups only.
        await JoinAsync(connection, WatchedDrivers()).ConfigureAwait(false);
        Reload(except: null);
    }

    private Task OnClosedAsync(HubConnection connection)
    {
        // Closed for good (the reconnect gave up): forget it, so that the next attempt opens a new one. A connection
        // dropped on purpose (sign-out, disposal) is no longer current and is left alone.
        if (Current(connection) is { } link && Interlocked.CompareExchange(ref _link, null, link) == link)
        {
            SetState(LiveState.Paused);
            LiveUpdatesLog.ConnectionClosed(_logger);
            // Not awaited: disposing from inside the connection's own Closed handler would wait for itself.
            _ = Task.Run(() => connection.DisposeAsync().AsTask());
            ScheduleRetry();
        }

        return Task.CompletedTask;
    }

    // One loop at a time tries to connect again, every RetryDelay, until it succeeds, the views stop listening, the user
    // signs out or the circuit goes away.
    private void ScheduleRetry()
    {
        if (!_stopping.IsCancellationRequested && Interlocked.Exchange(ref _retrying, 1) == 0)
        {
            _ = Task.Run(RetryAsync);
        }
    }

    private async Task RetryAsync()
    {
        try
        {
            while (NeedsConnection())
            {
                await Task.Delay(RetryDelay, _stopping.Token).ConfigureAwait(false);
                await SyncAsync(null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The circuit went away.
            return;
        }
        finally
        {
            Volatile.Write(ref _retrying, 0);
        }

        // An attempt that failed just as this loop ended found it still running and scheduled nothing.
        if (NeedsConnection())
        {
            ScheduleRetry();
        }
    }

    private bool NeedsConnection() =>
        !_stopping.IsCancellationRequested && Volatile.Read(ref _link) is null && _session.Token is not null && State == LiveState.Paused && Snapshot().Length > 0;

    private TimeSpan RetryDelay => _delays[^1] > TimeSpan.Zero ? _delays[^1] : TimeSpan.FromSeconds(1);

    private async Task JoinAsync(HubConnection connection, IEnumerable<long> drivers)
    {
        var own = _session.User?.OwnDriverId;
        foreach (var driverId in drivers)
        {
            if (driverId == own)
            {
                continue; // a driver's own group was joined by the hub
            }

            try
            {
                // Book readers join a driver's group on demand.
                await connection.InvokeAsync("WatchDriver", driverId, _stopping.Token).ConfigureAwait(false);
            }
            catch (HubException)
            {
                // The hub refused (the page's own load was allowed, so a race with a sign-out): the view works without updates.
                LiveUpdatesLog.Refused(_logger);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                // The connection went down meanwhile: its reconnect joins again.
            }
        }
    }

    // Called by the session, on the circuit's thread, after a sign-in or sign-out.
    private void OnSessionChanged()
    {
        if (Volatile.Read(ref _link) is { } link && link.Token != _session.Token)
        {
            // Waiting on a free semaphore completes at once: the old connection is forgotten before the sign-in goes on.
            _ = ResyncAsync();
        }
    }

    private async Task ResyncAsync()
    {
        try
        {
            await SyncAsync(null).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The circuit went away.
        }
    }

    private bool IsCurrent(HubConnection connection) => Volatile.Read(ref _link)?.Connection == connection;

    private Link? Current(HubConnection connection) => Volatile.Read(ref _link) is { } link && link.Connection == connection ? link : null;

    private void SetState(LiveState state)
    {
        if (Interlocked.Exchange(ref _state, (int)state) != (int)state)
        {
            StateChanged?.Invoke();
        }
    }

    private sealed record Link(HubConnection Connection, string Token);
}
