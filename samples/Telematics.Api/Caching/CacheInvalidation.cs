using System.Collections.Concurrent;

using Microsoft.Extensions.Caching.Hybrid;

namespace Telematics.Api.Caching;

/// <summary>
/// Invalidates this host's cache entries by tag, both ways: <see cref="HybridCache.RemoveByTagAsync(IEnumerable{string}, CancellationToken)"/>
/// and, for the keys this host cached under those tags, a removal by key — which also deletes them from a shared second
/// level. With Redis as the second level, a tag invalidated on another host did not make this host's second-level read
/// stale (measured in <c>Cluster/TwoHostTests</c>); a removal by key does.
/// </summary>
/// <remarks>Thread-safe. The index holds one entry per cached key until one of its tags is invalidated.</remarks>
internal sealed class CacheInvalidation(HybridCache cache)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _keysByTag = new(StringComparer.Ordinal);

    /// <summary>Remembers that <paramref name="key"/> was cached under <paramref name="tags"/>.</summary>
    public void Track(string key, IReadOnlyCollection<string> tags)
    {
        foreach (var tag in tags)
        {
            _keysByTag.GetOrAdd(tag, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(key, 0);
        }
    }

    /// <summary>Drops every entry of this host carrying any of <paramref name="tags"/>, from both levels.</summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        await cache.RemoveByTagAsync(tags, cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        foreach (var tag in tags)
        {
            if (_keysByTag.TryRemove(tag, out var tagged))
            {
                keys.AddRange(tagged.Keys);
            }
        }

        if (keys.Count > 0)
        {
            await cache.RemoveAsync(keys, cancellationToken).ConfigureAwait(false);
        }
    }
}
