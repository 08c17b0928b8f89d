using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Cluster;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Registry;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// A promotion on host A is served by host B, which shares the model directory and the Redis of the test run but watches
/// no files (as on a network share, where file watchers hear nothing): B reloads when told of the promotion.
/// </summary>
public sealed class ModelPromotionClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly Uri Models = new("/api/v1/models", UriKind.Relative);

    private readonly ModelDirectory _models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 0.5).WriteAliases("risk", """{"champion": "1"}""");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task A_promotion_on_host_A_is_served_by_host_B_whose_file_watcher_is_off()
    {
        var prefix = "test-promote-" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = Host(prefix);
        await using var hostB = Host(prefix);
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        Assert.Equal("risk@1", await DefaultModelAsync(adminOnB));

        using (var promoted = await adminOnA.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "champion", version = "2" }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        string? onB;
        do
        {
            await Task.Delay(100);
            onB = await DefaultModelAsync(adminOnB);
        }
        while (onB != "risk@2" && clock.Elapsed < TimeSpan.FromSeconds(30)); // generous: CI runs on two loaded cores

        Assert.Equal("risk@2", onB);
    }

    [Fact]
    public async Task A_promotion_whose_signal_was_lost_is_served_by_host_B_within_the_reconcile_period()
    {
        var prefix = "test-promote-lost-" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = Host(prefix).With("Scoring:ReconcileSeconds", "2");
        await using var hostB = Host(prefix).With("Scoring:ReconcileSeconds", "2");
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        Assert.Equal("risk@1", await DefaultModelAsync(adminOnB));

        // Redis stalled as A promotes: A's fan-out skips the publish, so nothing tells B.
        hostA.Services.GetRequiredService<RedisBreaker>().Trip(new TimeoutException("test: Redis did not answer"));
        using (var promoted = await adminOnA.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "champion", version = "2" }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        string? onB;
        do
        {
            await Task.Delay(200);
            onB = await DefaultModelAsync(adminOnB);
        }
        while (onB != "risk@2" && clock.Elapsed < TimeSpan.FromSeconds(20)); // the period is 2 s; CI runs on two loaded cores

        Assert.Equal("risk@2", onB);
    }

    [Fact]
    public async Task A_host_never_reads_another_hosts_listing_of_other_versions_at_the_same_generation()
    {
        var prefix = "test-promote-list-" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = Host(prefix).With("Redis:BreakSeconds", "1");
        await using var hostB = Host(prefix);
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());
        using var adminOnB = hostB.ClientAs(TestTokens.Admin());
        Assert.Equal("risk@1", await DefaultModelAsync(adminOnA));
        Assert.Equal("risk@1", await DefaultModelAsync(adminOnB));

        // B reloads for a reason of its own: its generation moves on as A's will, its aliases do not.
        hostB.Services.GetRequiredService<ModelRegistry>().Reload();
        hostA.Services.GetRequiredService<RedisBreaker>().Trip(new TimeoutException("test: Redis did not answer"));
        using (var promoted = await adminOnA.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "champion", version = "2" }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        }

        Assert.Equal(hostA.Services.GetRequiredService<ModelRegistry>().Generation, hostB.Services.GetRequiredService<ModelRegistry>().Generation);
        Assert.Equal("risk@1", await DefaultModelAsync(adminOnB)); // B's listing, into the shared cache
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // A's break ends: A reads the shared cache again

        Assert.Equal("risk@2", await DefaultModelAsync(adminOnA));
    }

    private ApiHost Host(string prefix) => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("ConnectionStrings:Redis", RedisServer.ConnectionString)
        .With("Redis:Prefix", prefix)
        .With("Scoring:ModelDirectory", _models.Root)
        .With("Scoring:DefaultModel", "risk")
        .WithServices(services => services.PostConfigure<ModelRegistryOptions>(options => options.WatchForChanges = false));

    private static async Task<string?> DefaultModelAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Models);
        var catalog = await ProblemAssert.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return catalog.GetProperty("defaultModel").GetString();
    }
}
