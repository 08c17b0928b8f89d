using Microsoft.AspNetCore.SignalR;

namespace Telematics.Api.Live;

/// <summary>
/// Tells every client to read again once live messages were lost. A client whose own connection dropped reloads when it
/// reconnects; one whose connection stayed up while a message was not sent (Redis down or stalled, a failed send) would
/// otherwise show stale figures under "Updates live" with nothing to tell it. After a loss, and once the Redis breaker
/// lets sends through again, each host sends <see cref="LiveMethods.Resync"/> to all clients (through the backplane, the
/// other hosts' too), at most once every <see cref="CheckEvery"/>; until it is sent the loss stays recorded.
/// </summary>
internal sealed partial class LiveResync(IHubContext<LiveHub> hub, TimeProvider time, IServiceProvider services, ILogger<LiveResync> logger)
    : BackgroundService
{
    /// <summary>How often a recorded loss is checked for: 1 s.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private int _missed;

    /// <summary>Records that a message some clients were owed was not sent.</summary>
    public void Missed() => Volatile.Write(ref _missed, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var breaker = services.GetService<Cluster.RedisBreaker>();
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _missed) == 0 || breaker?.IsOpen == true)
                {
                    continue;
                }

                // Cleared before the send: a loss recorded while it is under way is told by the next one.
                Volatile.Write(ref _missed, 0);
                await SendAsync(breaker, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task SendAsync(Cluster.RedisBreaker? breaker, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(LiveUpdates.SendTimeout);
        try
        {
            await hub.Clients.All.SendAsync(LiveMethods.Resync, new ResyncMessage(time.GetUtcNow()), timeout.Token).ConfigureAwait(false);
            Sent(logger);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Missed();
            breaker?.TripIfUnanswered(e);
            NotSent(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 9015, Level = LogLevel.Information, Message = "Live messages were lost; every client was told to read again.")]
    private static partial void Sent(ILogger logger);

    [LoggerMessage(EventId = 9016, Level = LogLevel.Warning, Message = "Clients could not be told to read again after lost live messages ({Error}); trying again.")]
    private static partial void NotSent(ILogger logger, string error);
}
