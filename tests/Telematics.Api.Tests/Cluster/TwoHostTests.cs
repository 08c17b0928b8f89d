using System.Diagnostics;
using System.Net;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Authorization;
using Telematics.Api.RateLimiting;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Service;
using Telematics.Testing;

using Xunit.Abstractions;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// Two hosts on one database and one real Redis (started by ./test.sh as <c>TELEMATICS_TEST_REDIS</c>): a write on host A
/// is read fresh on host B, and a hub client on host B hears about it. Each test uses a Redis prefix of its own.
/// </summary>
public sealed class TwoHostTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_recalculation_on_host_A_reaches_a_hub_client_on_host_B()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "cluster-1", 5);
        await using var hostA = Host(prefix);
        await using var hostB = Host(prefix);
        await using var onB = await LiveListener.ConnectAsync(hostB, TestTokens.Analyst());
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());

        using var recalculated = await adminOnA.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var heard = await onB.NextAsync("RiskScoreCalculated", TimeSpan.FromSeconds(30)); // a loaded CI machine can take more than 2 s

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal(driver, heard.GetProperty("driverId").GetInt64());
        Assert.Equal(body.GetProperty("score").GetProperty("scoreId").GetInt64(), heard.GetProperty("scoreId").GetInt64());
    }

    [Fact]
    public async Task A_score_cached_on_host_B_is_read_fresh_after_a_recalculation_on_host_A()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "cluster-2", 5);
        await using var hostA = Host(prefix);
        await using var hostB = Host(prefix);
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        var score = new Uri($"/api/v1/risk/{driver}/score", UriKind.Relative);

        await ScoreIdAsync(await adminOnA.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null), "score");
        var cachedOnB = await ScoreIdAsync(await adminOnB.GetAsync(score), null);
        Assert.Equal(cachedOnB, await ScoreIdAsync(await adminOnB.GetAsync(score), null));
        var newer = await ScoreIdAsync(await adminOnA.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null), "score");

        // The invalidation travels by pub/sub: poll host B until it serves the new score. Up to 30 s, as a loaded CI machine
        // can take more than 2 s; that is still far below the entries' expiry (CachingSetup.EntryLifetime, 5 minutes),
        // so without the invalidation host B keeps serving the cached score and the test fails.
        var clock = Stopwatch.StartNew();
        long readOnB;
        do
        {
            readOnB = await ScoreIdAsync(await adminOnB.GetAsync(score), null);
        }
        while (readOnB != newer && clock.Elapsed < TimeSpan.FromSeconds(30));

        output.WriteLine($"host B served the new score {clock.Elapsed.TotalMilliseconds:F0} ms after host A's recalculation answered");
        Assert.NotEqual(cachedOnB, newer);
        Assert.Equal(newer, readOnB);
    }

    [Fact]
    public async Task Two_hosts_writing_at_once_keep_one_intact_audit_chain()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..8];
        var drivers = new long[8];
        for (var i = 0; i < drivers.Length; i++)
        {
            drivers[i] = await DriverWithTripsAsync(database, $"cluster-audit-{i}", 2);
        }

        await using var hostA = Host(prefix);
        await using var hostB = Host(prefix);
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        // Only the recalculations' rows are counted: each host's start-up trip-state backfill may append its own meanwhile.
        const string Recalculations = "SELECT count(*) FROM audit_log WHERE action = 'score.recalculate'";
        var before = await CountAsync(database, Recalculations);

        // Every driver recalculated twice, once through each host, all at the same time: each is a score, a premium and
        // an audit row appended to the one hash chain.
        var writes = drivers.SelectMany(driver => new[] { adminOnA, adminOnB }.Select(async client =>
        {
            using var response = await client.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
            return response.StatusCode;
        }));
        var statuses = await Task.WhenAll(writes);
        using var verified = await adminOnB.PostAsync(new Uri("/api/v1/admin/audit/verify", UriKind.Relative), null);
        var verdict = await ProblemAssert.JsonAsync(verified);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(before + (2 * drivers.Length), await CountAsync(database, Recalculations));
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True(verdict.GetProperty("intact").GetBoolean(), verdict.GetRawText());
    }

    [Fact]
    public async Task Two_hosts_spend_one_rate_limit_budget_per_client()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = LimitedHost(prefix, permits: 3);
        await using var hostB = LimitedHost(prefix, permits: 3);
        using var onA = hostA.ClientAs(TestTokens.Driver());
        using var onB = hostB.ClientAs(TestTokens.Driver());
        var ingest = new Uri("/api/v1/test/ingest", UriKind.Relative);

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { onA, onB, onA, onB, onA })
        {
            using var response = await client.PostAsync(ingest, null);
            statuses.Add(response.StatusCode);
        }

        // Three in the window, whichever host took them; then both refuse, each alone would still have allowed more.
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
    }

    [Fact]
    public async Task An_experiment_stored_or_changed_on_host_A_is_served_by_host_B()
    {
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..8];
        var name = "exp-" + prefix;
        using var models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 1.5).WriteAliases("risk", """{"champion": "1"}""");
        await using var hostA = Host(prefix).With("Scoring:ModelDirectory", models.Root).With("Scoring:DefaultModel", "risk");
        await using var hostB = Host(prefix).With("Scoring:ModelDirectory", models.Root).With("Scoring:DefaultModel", "risk");
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        using (var started = await adminOnB.GetAsync(new Uri("/api/v1/experiments", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }

        var scorerOnB = hostB.Services.GetRequiredService<ExperimentScorer>();
        foreach (var controlBp in new[] { 10_000, 5_000 })
        {
            // Created, then its weights changed: host B must assign by the same buckets as host A.
            var definition = $$"""
                {"name": "{{name}}", "salt": "s-{{name}}", "variants": [
                  {"name": "control", "model": "champion", "weight_bp": {{controlBp}}},
                  {"name": "treatment", "model": "risk@2", "weight_bp": {{10_000 - controlBp}}}]}
                """;
            using var put = await adminOnA.PutAsync(new Uri("/api/v1/experiments/" + name, UriKind.Relative), new StringContent(definition, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");

            var clock = Stopwatch.StartNew();
            while (WeightOnB() != controlBp && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }

            output.WriteLine($"host B served {controlBp} bp {clock.Elapsed.TotalMilliseconds:F0} ms after host A stored it");
            Assert.Equal(controlBp, WeightOnB());
        }

        int? WeightOnB() => scorerOnB.TryGetExperiment(name, out var onB) ? onB.Variants[0].WeightBasisPoints : null;
    }

    private ApiHost LimitedHost(string prefix, int permits) => Host(prefix)
        .With("RateLimits:Ingest:PermitLimit", permits.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("RateLimits:Ingest:WindowSeconds", "120")
        .WithRoutes(api => api.MapPost("/test/ingest", () => Results.NoContent())
            .RequirePermission(Permission.TelematicsWrite)
            .RequireRateLimiting(RateLimitPolicies.Ingest));

    private ApiHost Host(string prefix) => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("ConnectionStrings:Redis", RedisServer.ConnectionString)
        .With("Redis:Prefix", prefix);

    private static async Task<long> ScoreIdAsync(HttpResponseMessage response, string? inside)
    {
        using (response)
        {
            var body = await ProblemAssert.JsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (inside is null ? body : body.GetProperty(inside)).GetProperty("scoreId").GetInt64();
        }
    }
}
