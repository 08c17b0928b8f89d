using System.Diagnostics;
using System.Net;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using StackExchange.Redis;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// A Redis that stops answering without refusing (a hung server, a path that drops packets) under a running host, through
/// a relay in front of the real Redis of the test run (<c>TELEMATICS_TEST_REDIS</c>): a write that committed is answered
/// as such and stored once, not 503 "nothing was stored", which a client would retry into a second write.
/// </summary>
public sealed class RedisStallTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_recalculation_while_Redis_stalls_is_answered_as_stored_stored_once_and_the_lost_invalidation_logged()
    {
        var driver = await DriverWithTripsAsync(database, "redis-stall-1", 5);
        var logs = new CapturedLogs();
        await using var relay = new StallingRelay(RedisEndPoint());
        await using var host = Host(relay, logs);
        await ConnectedAsync(host);

        using var admin = host.ClientAs(TestTokens.Admin());
        relay.Stall();
        HttpResponseMessage recalculated;
        try
        {
            recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        }
        finally
        {
            // The host's shutdown is not under test (SignalR's backplane waits for Redis when it is disposed).
            relay.Resume();
        }

        using (recalculated)
        {
            Assert.True(recalculated.StatusCode == HttpStatusCode.OK, $"{(int)recalculated.StatusCode} {await recalculated.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(1, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
        Assert.True(logs.Has(LogLevel.Warning, 9101), "the invalidation not published should be logged as a warning");
    }

    internal static EndPoint RedisEndPoint() => ConfigurationOptions.Parse(RedisServer.ConnectionString).EndPoints.Single();

    /// <summary>A host on the test database whose Redis is reached through <paramref name="relay"/>, with a prefix of its own.</summary>
    internal ApiHost Host(StallingRelay relay, CapturedLogs logs, params (string Key, string Value)[] settings)
    {
        var redis = ConfigurationOptions.Parse(RedisServer.ConnectionString);
        redis.EndPoints.Clear();
        redis.EndPoints.Add(IPAddress.Loopback, relay.Port);
        var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("ConnectionStrings:Redis", redis.ToString(includePassword: true))
            .With("Redis:Prefix", "test-stall-" + Guid.NewGuid().ToString("N")[..8])
            .WithServices(services => services.AddSingleton<ILoggerProvider>(logs));
        foreach (var (key, value) in settings)
        {
            host.With(key, value);
        }

        return host;
    }

    /// <summary>Waits until the host's multiplexer is connected, so that the stall hits an open connection.</summary>
    internal static async Task ConnectedAsync(ApiHost host)
    {
        var redis = host.Services.GetRequiredService<IConnectionMultiplexer>();
        var clock = Stopwatch.StartNew();
        while (!redis.IsConnected && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.True(redis.IsConnected, "the host did not connect to Redis through the relay");
    }
}
