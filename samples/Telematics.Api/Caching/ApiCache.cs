using Microsoft.Extensions.Caching.Hybrid;
using Telematics.Api.Observability;

namespace Telematics.Api.Caching;

/// <summary>
/// The host's response cache: <see cref="HybridCache"/> with tag-based invalidation for writes and a hit/miss counter.
/// Thread-safe; concurrent misses on one key run the factory once (callers that joined it count as hits).
/// </summary>
internal sealed class ApiCache(HybridCache cache, ApiMetrics metrics, CacheInvalidation invalidation, ICacheTagFanout fanout)
{
    /// <summary>Returns the cached value for <paramref name="key"/>, or runs <paramref name="factory"/> and caches its result under <paramref name="tags"/>.</summary>
    /// <param name="key">The entry key; include every input the value depends on (e.g. <c>risk:score:{driverId}</c>).</param>
    /// <param name="factory">Computes the value on a miss.</param>
    /// <param name="tags">Tags to invalidate the entry by, e.g. <see cref="CacheTags.Driver"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async ValueTask<T> GetOrCreateAsync<T>(
        string key, Func<CancellationToken, ValueTask<T>> factory, IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        invalidation.Track(key, tags);
        var miss = new MissTracker<T>(factory);
        var value = await cache.GetOrCreateAsync(key, miss, static (state, token) => state.RunAsync(token), tags: tags, cancellationToken: cancellationToken);
        metrics.CacheLookup(hit: !miss.Ran);
        return value;
    }

    /// <summary>
    /// Drops every entry carrying any of <paramref name="tags"/>, here and (through <see cref="ICacheTagFanout"/>) on every
    /// other host sharing the cache; call after the write that made them stale.
    /// </summary>
    /// <remarks>
    /// Takes no cancellation: the write has committed, and a client that went away must not leave this host or the others
    /// serving what it changed.
    /// </remarks>
    public async ValueTask InvalidateAsync(IReadOnlyCollection<string> tags)
    {
        await invalidation.InvalidateAsync(tags, CancellationToken.None).ConfigureAwait(false);
        await fanout.PublishAsync(tags).ConfigureAwait(false);
    }

    private sealed class MissTracker<T>(Func<CancellationToken, ValueTask<T>> factory)
    {
        public bool Ran { get; private set; }

        public ValueTask<T> RunAsync(CancellationToken cancellationToken)
        {
            Ran = true;
            return factory(cancellationToken);
        }
    }
}
