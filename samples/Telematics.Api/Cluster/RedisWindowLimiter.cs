using System.Threading.RateLimiting;

using StackExchange.Redis;

namespace Telematics.Api.Cluster;

/// <summary>
/// One client's fixed window of one rate-limit policy, counted in Redis so that every host of the cluster spends the
/// same budget: the first request of a window creates the counter with the window as its expiry, each request
/// increments it, and a request past the limit is refused with the counter's remaining time as its retry delay.
/// While Redis cannot be reached the host counts on its own (<paramref name="local"/>) instead of refusing everyone.
/// </summary>
/// <param name="redis">The cluster's Redis.</param>
/// <param name="key">The counter's key: prefix, policy and client.</param>
/// <param name="permitLimit">Requests per window.</param>
/// <param name="window">The window.</param>
/// <param name="local">This host's own limiter of the same limit, used while Redis is down.</param>
/// <param name="breaker">Skips Redis for a while after it failed to answer, so that each request does not wait out a timeout.</param>
internal sealed class RedisWindowLimiter(IConnectionMultiplexer redis, RedisKey key, int permitLimit, TimeSpan window, RateLimiter local, RedisBreaker breaker) : RateLimiter
{
    // INCR and the expiry of a new counter in one atomic step, so a counter never outlives its window.
    private static readonly LuaScript Count = LuaScript.Prepare(
        "local n = redis.call('INCR', @key) if n == 1 then redis.call('PEXPIRE', @key, @window) end return { n, redis.call('PTTL', @key) }");

    private long _idleSince = Environment.TickCount64;

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _idleSince));

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // The middleware tries the synchronous path first and waits on the asynchronous one when refused: the count is
    // taken there, once per request, without blocking a thread on Redis.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Refused.Instance;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _idleSince, Environment.TickCount64);
        if (breaker.IsOpen)
        {
            return await local.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Count, new { key, window = (long)window.TotalMilliseconds }).ConfigureAwait(false))!;
            var count = (long)result[0];
            var remaining = TimeSpan.FromMilliseconds(Math.Max((long)result[1], 0));
            return count <= permitLimit ? Granted.Instance : new Refused(remaining);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            breaker.Trip(e);
            return await local.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Granted : RateLimitLease
    {
        public static readonly Granted Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    private sealed class Refused(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Refused Instance = new(null);

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
