using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Telematics.Api.Caching;

/// <summary>Registers <see cref="HybridCache"/> and <see cref="ApiCache"/>.</summary>
internal static class CachingSetup
{
    /// <summary>How long an entry lives in either level: 5 minutes.</summary>
    public static readonly TimeSpan EntryLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Adds an in-process HybridCache (a distributed second level is used when one is registered) and the helper.</summary>
    public static IServiceCollection AddTelematicsCaching(this IServiceCollection services)
    {
        services.AddHybridCache(options =>
        {
            // Scores change only on ingest or recalculation, both of which invalidate by tag; the expiry bounds staleness
            // should an invalidation be missed (e.g. a write by another host without a shared distributed cache).
            options.DefaultEntryOptions = new HybridCacheEntryOptions
            {
                Expiration = EntryLifetime,
                LocalCacheExpiration = EntryLifetime,
            };
            options.MaximumPayloadBytes = 1 << 20;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CacheInvalidation>();
        services.TryAddSingleton<ICacheTagFanout, SingleHostFanout>();
        services.AddSingleton<ApiCache>();
        return services;
    }
}
