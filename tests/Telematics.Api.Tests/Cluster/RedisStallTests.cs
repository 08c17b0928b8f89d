using System.Diagnostics;
using System.Net;
using System.Text.Json;

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
        await using var relay = new LoopbackRelay((IPEndPoint)RedisEndPoint());
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

    [Fact]
    public async Task While_Redis_stalls_a_write_and_a_read_answer_well_within_the_clients_default_timeout_of_5_s()
    {
        var driver = await DriverWithTripsAsync(database, "redis-stall-2", 5);
        await using var relay = new LoopbackRelay((IPEndPoint)RedisEndPoint());
        await using var host = Host(relay, new CapturedLogs());
        await ConnectedAsync(host);
        using var admin = host.ClientAs(TestTokens.Admin());
        using (var warm = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // The same write and read with Redis answering: what they cost on this machine, under its present load.
        var (usualWrite, usualRead) = await WriteThenReadAsync(admin, driver);

        relay.Stall();
        TimeSpan write, read;
        try
        {
            // The write drops the score from both levels and tells the other hosts; the read then misses both levels.
            (write, read) = await WriteThenReadAsync(admin, driver);
        }
        finally
        {
            relay.Resume();
        }

        // What the stall adds, not the whole time: on a loaded CI machine the database work alone can take seconds. The
        // host gives a stalled command up within about 1.5 s (500 ms and the client's once-a-second check); the client's
        // default of 5 s per call would add at least 5 s. The bound sits between, with room for a busy machine.
        Assert.True(write - usualWrite < TimeSpan.FromSeconds(3.5), $"the write took {write.TotalMilliseconds:F0} ms, {usualWrite.TotalMilliseconds:F0} ms with Redis answering");
        Assert.True(read - usualRead < TimeSpan.FromSeconds(3.5), $"the read took {read.TotalMilliseconds:F0} ms, {usualRead.TotalMilliseconds:F0} ms with Redis answering");
    }

    [Fact]
    public async Task A_hub_client_whose_messages_were_skipped_while_Redis_was_is_told_to_read_again_once_Redis_is_used_again()
    {
        // After a Redis failure the host skips Redis for a few seconds (the breaker), and with it the recalculation's
        // messages; this client's own connection never dropped, so only the host can tell it that it missed them.
        var driver = await DriverWithTripsAsync(database, "redis-stall-3", 5);
        await using var relay = new LoopbackRelay((IPEndPoint)RedisEndPoint());
        var logs = new CapturedLogs();
        // The breaker stays open 2 s, not the default 5 s the test would wait out before the resync: long enough that the
        // recalculation right after the trip still finds it open (the skip is asserted below), shorter to wait for.
        await using var host = Host(relay, logs, ("Redis:BreakSeconds", "2"));
        await ConnectedAsync(host);
        await using var listener = await LiveListener.ConnectAsync(host, TestTokens.Analyst());
        using var admin = host.ClientAs(TestTokens.Admin());

        host.Services.GetRequiredService<Telematics.Api.Cluster.RedisBreaker>().Trip(new TimeoutException("a Redis blip"));
        using (var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        }

        Assert.True(logs.Has(LogLevel.Warning, 9001), "the skipped live update should be logged");
        var resync = await listener.NextAsync("Resync", TimeSpan.FromSeconds(30));
        Assert.Equal(JsonValueKind.String, resync.GetProperty("at").ValueKind);
        Assert.Empty(listener.Waiting("RiskScoreCalculated"));
    }

    internal static EndPoint RedisEndPoint() => ConfigurationOptions.Parse(RedisServer.ConnectionString).EndPoints.Single();

    /// <summary>A host on the test database whose Redis is reached through <paramref name="relay"/>, with a prefix of its own.</summary>
    internal ApiHost Host(LoopbackRelay relay, CapturedLogs logs, params (string Key, string Value)[] settings)
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
        while (!redis.IsConnected && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.True(redis.IsConnected, "the host did not connect to Redis through the relay");
    }

    private static async Task<(TimeSpan Write, TimeSpan Read)> WriteThenReadAsync(HttpClient admin, long driver)
    {
        TimeSpan write, read;
        var clock = Stopwatch.StartNew();
        using (var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null))
        {
            write = clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        }

        clock.Restart();
        using (var score = await admin.GetAsync(new Uri($"/api/v1/risk/{driver}/score", UriKind.Relative)))
        {
            read = clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, score.StatusCode);
        }

        return (write, read);
    }
}
