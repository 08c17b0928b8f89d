using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Telematics.Api.Caching;
using Telematics.Api.Observability;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Caching;

public sealed class ApiCacheTests
{
    [Fact]
    public async Task A_second_lookup_is_served_from_the_cache_without_running_the_factory()
    {
        await using var host = new ApiHost();
        var cache = host.Services.GetRequiredService<ApiCache>();
        var runs = 0;

        var first = await cache.GetOrCreateAsync("risk:score:1", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(1)], CancellationToken.None);
        var second = await cache.GetOrCreateAsync("risk:score:1", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(1)], CancellationToken.None);

        Assert.Equal(1, first);
        Assert.Equal(1, second);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Invalidating_a_tag_drops_its_entries_and_keeps_the_others()
    {
        await using var host = new ApiHost();
        var cache = host.Services.GetRequiredService<ApiCache>();
        var runs = 0;
        await cache.GetOrCreateAsync("risk:score:1", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(1)], CancellationToken.None);
        await cache.GetOrCreateAsync("risk:score:2", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(2)], CancellationToken.None);

        await cache.InvalidateAsync([CacheTags.Driver(1)]);
        var refreshed = await cache.GetOrCreateAsync("risk:score:1", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(1)], CancellationToken.None);
        var kept = await cache.GetOrCreateAsync("risk:score:2", _ => ValueTask.FromResult(++runs), [CacheTags.Driver(2)], CancellationToken.None);

        Assert.Equal(3, refreshed);
        Assert.Equal(2, kept);
    }

    [Fact]
    public async Task Hits_and_misses_are_counted_on_the_cache_lookup_metric()
    {
        await using var host = new ApiHost();
        var cache = host.Services.GetRequiredService<ApiCache>();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this host's meter: other test hosts run in parallel with their own factories.
            if (instrument.Name == ApiMetrics.CacheLookupsName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    lock (counts)
                    {
                        counts[(string)tag.Value!] = counts.GetValueOrDefault((string)tag.Value!) + value;
                    }
                }
            }
        });
        listener.Start();

        for (var i = 0; i < 3; i++)
        {
            await cache.GetOrCreateAsync("models:list", _ => ValueTask.FromResult("m"), [CacheTags.Models], CancellationToken.None);
        }

        Assert.Equal(1, counts.GetValueOrDefault("miss"));
        Assert.Equal(2, counts.GetValueOrDefault("hit"));
    }
}
