using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

using StackExchange.Redis;

using Telematics.Api.Caching;

namespace Telematics.Api.Cluster;

/// <summary>
/// Lets several hosts serve one book when Redis is configured (<see cref="RedisConnection"/>): HybridCache gets Redis as
/// its second level, tag invalidations reach every host (<see cref="RedisCacheTagFanout"/>), and <c>/hubs/live</c> uses
/// the Redis backplane so a client on one host hears about a write on another. Without Redis nothing changes.
/// </summary>
internal static class ClusterSetup
{
    /// <summary>Registers the Redis wiring when configured; call after caching and the live hub are added.</summary>
    public static IServiceCollection AddTelematicsCluster(this IServiceCollection services, IConfiguration configuration)
    {
        if (RedisConnection.Find(configuration) is not { } connectionString)
        {
            return services;
        }

        // One multiplexer for the cache, the fan-out and the backplane: it is thread-safe and meant to be shared. The prefix
        // keeps clusters apart when they share one Redis (keys and channels of other prefixes are never touched).
        var prefix = RedisConnection.Prefix(configuration);
        var timeouts = RedisConnection.Timeouts(configuration);
        var redis = new Lazy<IConnectionMultiplexer>(() => RedisConnection.Connect(connectionString, prefix, timeouts));
        services.AddSingleton(_ => redis.Value);
        services.AddSingleton(provider => new RedisBreaker(
            timeouts.Break, provider.GetService<TimeProvider>() ?? TimeProvider.System, provider.GetRequiredService<ILogger<RedisBreaker>>()));

        // HybridCache takes the registered IDistributedCache as its second level; the breaker stands in front of it.
        services.AddSingleton<IDistributedCache>(provider => new BreakingDistributedCache(
            new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(redis.Value),
                InstanceName = prefix + ":cache:",
            })),
            provider.GetRequiredService<RedisBreaker>()));
        services.AddSingleton(static provider => new RedisCacheTagFanout(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<RedisBreaker>(),
            provider.GetRequiredService<CacheInvalidation>(),
            provider.GetServices<IRemoteTagListener>(),
            provider.GetRequiredService<ILogger<RedisCacheTagFanout>>()));
        services.AddSingleton<ICacheTagFanout>(static provider => provider.GetRequiredService<RedisCacheTagFanout>());
        services.AddHostedService(static provider => provider.GetRequiredService<RedisCacheTagFanout>());
        services.AddSignalR().AddStackExchangeRedis(options => options.ConnectionFactory = _ => Task.FromResult(redis.Value));
        services.AddHostedService<ClusterAnnouncement>();
        return services;
    }

    private sealed class ClusterAnnouncement(ILogger<ClusterAnnouncement> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            ClusterLog.Clustered(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
