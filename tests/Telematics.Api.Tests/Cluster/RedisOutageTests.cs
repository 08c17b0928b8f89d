using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// Redis down does not stop a host (README, "Redis being down does not stop a host"): it starts, a write that committed is
/// answered as such (not 503, which a client would retry into a second score), its own reads are fresh, and once Redis
/// is up it hears the other hosts' invalidations. Redis here is a real redis-server on a port nothing listens on at first.
/// </summary>
public sealed class RedisOutageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_host_whose_Redis_is_down_starts_answers_committed_writes_and_reads_its_own_fresh()
    {
        var driver = await DriverWithTripsAsync(database, "redis-down-1", 5);
        await using var host = Host(DeadPort(), "test-down-" + Guid.NewGuid().ToString("N")[..8]);
        using var admin = host.ClientAs(TestTokens.Admin());
        var score = new Uri($"/api/v1/risk/{driver}/score", UriKind.Relative);

        var first = await ScoreIdAsync(await admin.PostAsync(Recalculate(driver), null), "score");
        Assert.Equal(first, await ScoreIdAsync(await admin.GetAsync(score), null));
        var second = await ScoreIdAsync(await admin.PostAsync(Recalculate(driver), null), "score");

        Assert.NotEqual(first, second);
        Assert.Equal(second, await ScoreIdAsync(await admin.GetAsync(score), null));
    }

    [Fact]
    public async Task A_host_started_while_Redis_was_down_hears_other_hosts_invalidations_once_it_is_up()
    {
        var driver = await DriverWithTripsAsync(database, "redis-down-2", 5);
        var port = DeadPort();
        var prefix = "test-late-" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = Host(port, prefix);
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        var score = new Uri($"/api/v1/risk/{driver}/score", UriKind.Relative);
        await ScoreIdAsync(await adminOnA.PostAsync(Recalculate(driver), null), "score");

        using var redis = StartRedis(port);
        await using var hostB = Host(port, prefix);
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        var cachedOnA = await ScoreIdAsync(await adminOnA.GetAsync(score), null);

        // Host A reconnects in the background (every few seconds); each recalculation on B is a new invalidation.
        var clock = Stopwatch.StartNew();
        long newer, readOnA;
        do
        {
            newer = await ScoreIdAsync(await adminOnB.PostAsync(Recalculate(driver), null), "score");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            readOnA = await ScoreIdAsync(await adminOnA.GetAsync(score), null);
        }
        while (readOnA != newer && clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.NotEqual(cachedOnA, newer);
        Assert.Equal(newer, readOnA);
    }

    private static Uri Recalculate(long driver) => new($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative);

    private ApiHost Host(int redisPort, string prefix) => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("ConnectionStrings:Redis", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{redisPort},connectTimeout=500,asyncTimeout=1000,syncTimeout=1000"))
        .With("Redis:Prefix", prefix);

    /// <summary>A loopback port nothing listens on (taken and released).</summary>
    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A private redis-server on <paramref name="port"/> without persistence; disposing kills it.</summary>
    private static RedisProcess StartRedis(int port)
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RedisProcess(process);
    }

    private static async Task<long> ScoreIdAsync(HttpResponseMessage response, string? inside)
    {
        using (response)
        {
            var body = await ProblemAssert.JsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (inside is null ? body : body.GetProperty(inside)).GetProperty("scoreId").GetInt64();
        }
    }

    private sealed class RedisProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            process.Dispose();
        }
    }
}
