using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

using Telematics.Api.Caching;

namespace Telematics.Api.Tests.Caching;

/// <summary>The index of cached keys by tag forgets keys whose entries have expired, so a long-running host's index stays the size of its cache.</summary>
public sealed class CacheInvalidationTests
{
    [Fact]
    public void Keys_not_read_for_an_entry_lifetime_are_forgotten_and_keys_read_meanwhile_are_kept()
    {
        using var services = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider();
        var time = new FakeTimeProvider();
        var invalidation = new CacheInvalidation(services.GetRequiredService<HybridCache>(), time, NullLogger<CacheInvalidation>.Instance);
        for (var driver = 0; driver < 1000; driver++)
        {
            invalidation.Track($"risk:score:{driver}", [CacheTags.Driver(driver), CacheTags.Dashboards]);
        }

        time.Advance(CachingSetup.EntryLifetime / 2);
        invalidation.Track("risk:score:7", [CacheTags.Driver(7)]);
        Assert.Equal(2000, invalidation.TrackedKeys);

        // Past the lifetime of every entry but driver 7's last read: the next lookup sweeps.
        time.Advance(CachingSetup.EntryLifetime / 2 + TimeSpan.FromSeconds(1));
        invalidation.Track("risk:score:new", [CacheTags.Driver(5000)]);

        Assert.Equal(2, invalidation.TrackedKeys);
    }
}
