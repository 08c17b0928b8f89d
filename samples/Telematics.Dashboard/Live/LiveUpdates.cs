using System.Text.Json;

using Microsoft.AspNetCore.SignalR.Client;

using Telematics.Dashboard.Session;

namespace Telematics.Dashboard.Live;

/// <summary>
/// The host's live hub (<c>/hubs/live</c>) as this tab's user hears it: one connection per circuit, with the user's token,
/// so the hub's own rules decide what arrives (a driver hears only their own driver). Views subscribe to the book or to
/// one driver and reload when a trip closes or a score or premium is stored; a burst of messages is one reload.
/// </summary>
/// <remarks>Scoped: one per circuit. Subscriptions are called on the hub client's thread; views marshal with InvokeAsync.</remarks>
public sealed class LiveUpdates(DashboardSession session, DashboardHostAddress host) : IAsyncDisposable
{
    // Messages that change what the views show. SafetyAlert arrives with a trip and needs no reload of its own.
    private static readonly string[] Methods = ["TripCompleted", "RiskScoreCalculated", "PremiumUpdated"];

    // A trip, its score and its premium arrive within milliseconds of each other: one reload after the last.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    private readonly List<Subscription> _subscriptions = [];
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private HubConnection? _connection;

    /// <summary>Calls <paramref name="onChange"/> after any change in the book the user may see.</summary>
    /// <returns>Dispose to stop.</returns>
    public Task<IDisposable> WatchBookAsync(Func<Task> onChange) => AddAsync(null, onChange);

    /// <summary>
    /// Calls <paramref name="onChange"/> after a change of one driver, and <paramref name="onScore"/> at once with each
    /// score of that driver the hub tells (on the hub client's thread, before the change).
    /// </summary>
    /// <returns>Dispose to stop.</returns>
    public async Task<IDisposable> WatchDriverAsync(long driverId, Func<Task> onChange, Action<LiveScore>? onScore = null)
    {
        var subscription = await AddAsync(driverId, onChange, onScore).ConfigureAwait(false);
        if (_connection is { State: HubConnectionState.Connected } connection && session.User?.OwnDriverId != driverId)
        {
            // Book readers join a driver's group on demand; a driver's own group was joined by the hub.
            await connection.InvokeAsync("WatchDriver", driverId).ConfigureAwait(false);
        }

        return subscription;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    private async Task<IDisposable> AddAsync(long? driverId, Func<Task> onChange, Action<LiveScore>? onScore = null)
    {
        var subscription = new Subscription(this, driverId, onChange, onScore);
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
        }

        await EnsureConnectedAsync().ConfigureAwait(false);
        return subscription;
    }

    private async Task EnsureConnectedAsync()
    {
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is not null || session.Token is null || host.Root is not { } root)
            {
                return;
            }

            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(root, "hubs/live"), http => http.AccessTokenProvider = () => Task.FromResult<string?>(session.Token))
                .WithAutomaticReconnect()
                .Build();
            foreach (var method in Methods)
            {
                connection.On<JsonElement>(method, message => Dispatch(method, message));
            }

            await connection.StartAsync().ConfigureAwait(false);
            _connection = connection;
        }
        catch (HttpRequestException)
        {
            // Live updates are a convenience: the views still load and reload on demand without them.
        }
        finally
        {
            _connecting.Release();
        }
    }

    private void Dispatch(string method, JsonElement message)
    {
        long? driverId = message.TryGetProperty("driverId", out var id) && id.TryGetInt64(out var value) ? value : null;
        // Read once for every view of the driver: the score and its interval as the message carries them.
        var score = method == "RiskScoreCalculated" ? LiveScore.From(message) : null;
        Subscription[] targets;
        lock (_subscriptions)
        {
            targets = [.. _subscriptions];
        }

        foreach (var subscription in targets)
        {
            if (subscription.DriverId is null || subscription.DriverId == driverId)
            {
                if (score is not null && subscription.DriverId is not null)
                {
                    subscription.OnScore?.Invoke(score);
                }

                subscription.Signal();
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_subscriptions)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private sealed class Subscription(LiveUpdates owner, long? driverId, Func<Task> onChange, Action<LiveScore>? onScore) : IDisposable
    {
        private int _pending;

        public long? DriverId => driverId;

        public Action<LiveScore>? OnScore => onScore;

        public void Signal()
        {
            if (Interlocked.Exchange(ref _pending, 1) == 1)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                await Task.Delay(Coalesce).ConfigureAwait(false);
                Volatile.Write(ref _pending, 0);
                await onChange().ConfigureAwait(false);
            });
        }

        public void Dispose() => owner.Remove(this);
    }
}
