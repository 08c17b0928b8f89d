using System.Collections.Concurrent;

using Microsoft.Extensions.Caching.Hybrid;

namespace Telematics.Api.Caching;

/// <summary>
/// Invalidates this host's cache entries by tag, both ways: <see cref="HybridCache.RemoveByTagAsync(string, CancellationToken)"/>
/// and, for the keys this host cached under those tags, a removal by key — which also deletes them from a shared second
/// level. With Redis as the second level, a tag invalidated on another host did not make this host's second-level read
/// stale (measured in <c>Cluster/TwoHostTests</c>); a removal by key does.
/// </summary>
/// <remarks>
/// Thread-safe. The index holds each cached key until one of its tags is invalidated or, once a key has not been looked up
/// for <see cref="CachingSetup.EntryLifetime"/> (so its entry has expired), until the next sweep, which runs at most once
/// per lifetime.
/// </remarks>
internal sealed class CacheInvalidation(HybridCache cache, TimeProvider time, ILogger<CacheInvalidation> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, long>> _keysByTag = new(StringComparer.Ordinal);
    private long _nextSweep = time.GetTimestamp() + Ticks(time, CachingSetup.EntryLifetime);

    /// <summary>The keys the index holds, for tests.</summary>
    internal int TrackedKeys
    {
        get
        {
            var count = 0;
            foreach (var tagged in _keysByTag.Values)
            {
                count += tagged.Count;
            }

            return count;
        }
    }

    /// <summary>Remembers that <paramref name="key"/> was cached (or read) now under <paramref name="tags"/>.</summary>
    public void Track(string key, IReadOnlyCollection<string> tags)
    {
        var now = time.GetTimestamp();
        foreach (var tag in tags)
        {
            _keysByTag.GetOrAdd(tag, static _ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal))[key] = now;
        }

        var next = Volatile.Read(ref _nextSweep);
        if (now >= next && Interlocked.CompareExchange(ref _nextSweep, now + Ticks(time, CachingSetup.EntryLifetime), next) == next)
        {
            Sweep(now);
        }
    }

    /// <summary>
    /// Drops every entry of this host carrying any of <paramref name="tags"/>, from both levels. The first level is
    /// dropped before any call to the second; a second level that fails (Redis unreachable) is logged, not thrown, since
    /// the caller's write has committed and must be answered as such.
    /// </summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        // Each call drops its first-level entries before it returns; the second-level work is awaited together, so an
        // unreachable Redis costs one timeout, not one per tag and key.
        var pending = new List<Task>(tags.Count);
        var keys = new List<string>();
        foreach (var tag in tags)
        {
            pending.Add(cache.RemoveByTagAsync(tag, cancellationToken).AsTask());
            if (_keysByTag.TryRemove(tag, out var tagged))
            {
                keys.AddRange(tagged.Keys);
            }
        }

        foreach (var key in keys)
        {
            pending.Add(cache.RemoveAsync(key, cancellationToken).AsTask());
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CacheLog.SecondLevelNotInvalidated(logger, tags.Count, e.GetType().Name);
        }
    }

    private void Sweep(long now)
    {
        var expired = now - Ticks(time, CachingSetup.EntryLifetime);
        foreach (var (tag, tagged) in _keysByTag)
        {
            foreach (var (key, tracked) in tagged)
            {
                if (tracked < expired)
                {
                    // Only if not read again meanwhile: a fresh Track keeps the key.
                    tagged.TryRemove(new KeyValuePair<string, long>(key, tracked));
                }
            }

            // A key tracked under this tag between the check and the removal loses its by-key removal: like any lost
            // invalidation, its shared entry is then bounded by the expiry.
            if (tagged.IsEmpty)
            {
                _keysByTag.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, long>>(tag, tagged));
            }
        }
    }

    private static long Ticks(TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}

/// <summary>Log events of the response cache.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "{Tags} cache tags were dropped from this host's memory but not from the shared second level ({Error}); its entries expire within 5 minutes.")]
    public static partial void SecondLevelNotInvalidated(ILogger logger, int tags, string error);
}
