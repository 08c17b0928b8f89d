using StackExchange.Redis;

using Telematics.Api.Caching;

namespace Telematics.Api.Cluster;

/// <summary>
/// Cache-tag invalidation across hosts through Redis pub/sub: every invalidation here is published on
/// <c>{prefix}:cache-tags</c>, and every other host removes the same tags from its own HybridCache, first level included.
/// Delivery is at most once and typically within milliseconds; a message lost while Redis is unreachable is bounded by
/// the entries' expiry (5 minutes, <see cref="CachingSetup"/>).
/// </summary>
internal sealed class RedisCacheTagFanout(
    IConnectionMultiplexer redis, RedisBreaker breaker, CacheInvalidation invalidation, IEnumerable<IRemoteTagListener> listeners, ILogger<RedisCacheTagFanout> logger)
    : ICacheTagFanout, IHostedService
{
    // The multiplexer prefixes it with the cluster's prefix (RedisConnection.Connect).
    private readonly RedisChannel _channel = RedisChannel.Literal("cache-tags");

    // Each message starts with its sender's id, so that a host does not act on its own invalidations twice.
    private readonly string _instance = Guid.NewGuid().ToString("N");

    /// <summary>
    /// How long a write waits for its invalidation to be handed to Redis: the write has committed, and a stalled Redis must
    /// not hold its answer (or turn it into an error the client would retry).
    /// </summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(1);

    public async Task PublishAsync(IReadOnlyCollection<string> tags)
    {
        if (breaker.IsOpen)
        {
            ClusterLog.InvalidationNotPublished(logger, nameof(RedisSkippedException));
            return;
        }

        try
        {
            var published = redis.GetSubscriber().PublishAsync(_channel, _instance + "\n" + string.Join('\n', tags));
            // Observed here, so that one given up on below does not surface as an unobserved task exception later.
            _ = published.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await published.WaitAsync(PublishTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // RedisTimeoutException is a TimeoutException, not a RedisException: anything but cancellation is a lost message.
            breaker.Trip(e);
            ClusterLog.InvalidationNotPublished(logger, e.GetType().Name);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The handler is registered with the multiplexer before the server is asked, and the multiplexer subscribes
            // again whenever it reconnects: Redis down at start-up delays the subscription, it does not stop the host.
            await redis.GetSubscriber().SubscribeAsync(_channel, (channel, message) => _ = ApplyAsync(message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ClusterLog.NotSubscribedYet(logger, e.GetType().Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(_channel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis gone at shutdown: the connection closes with the host and takes the subscription with it.
        }
    }

    private async Task ApplyAsync(RedisValue message)
    {
        var parts = ((string?)message ?? string.Empty).Split('\n');
        if (parts.Length < 2 || parts[0] == _instance)
        {
            return;
        }

        var tags = parts[1..];
        try
        {
            await invalidation.InvalidateAsync(tags, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ClusterLog.InvalidationNotApplied(logger, e.GetType().Name);
        }

        foreach (var listener in listeners)
        {
            await listener.TagsInvalidatedElsewhereAsync(tags).ConfigureAwait(false);
        }
    }
}

/// <summary>Log events of the cluster wiring.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "A cache invalidation was not published to the other hosts ({Error}); their entries expire within 5 minutes.")]
    public static partial void InvalidationNotPublished(ILogger logger, string error);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Another host's cache invalidation was not applied here ({Error}); the entries expire within 5 minutes.")]
    public static partial void InvalidationNotApplied(ILogger logger, string error);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Warning, Message = "Redis could not be reached to hear other hosts' cache invalidations ({Error}); subscribed as soon as it is, entries expire within 5 minutes meanwhile.")]
    public static partial void NotSubscribedYet(ILogger logger, string error);

    [LoggerMessage(EventId = 9106, Level = LogLevel.Warning, Message = "Redis did not answer ({Error}); this host goes without it for {Seconds} s (first-level cache, its own rate-limit counts, invalidations to no other host).")]
    public static partial void RedisSkipped(ILogger logger, string error, double seconds);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Clustered through Redis: shared second-level cache, cache-tag invalidation and the live hub's backplane.")]
    public static partial void Clustered(ILogger logger);
}
