using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Storage;

/// <summary>
/// Stops and restarts a PostgreSQL cluster of this test's own under a running host: while it is down every database
/// endpoint answers 503 <c>unavailable</c> with <c>Retry-After</c> (an upload cut off mid-stream too, storing nothing),
/// and once it is back on the same address the host serves again without a restart.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private const int TripSeconds = 1200;
    private const string Unavailable = "https://telematics.dev/problems/unavailable";

    private readonly PrivateCluster _cluster = new("api-outage");
    private string _connectionString = string.Empty;

    public async Task InitializeAsync() => _connectionString = await _cluster.StartAsync();

    public Task DisposeAsync() => _cluster.DestroyAsync();

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static Uri Events(long driverId) =>
        Url(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driverId}"));

    private async Task<long> CountAsync(string table, long driverId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE driver_id = $1", connection);
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string what)
    {
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, Unavailable);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, $"{what}: Retry-After should give seconds");
    }

    [Theory]
    [InlineData("champion")] // moved from version 1: goes back
    [InlineData("challenger")] // new: removed again
    public async Task A_promotion_that_cannot_be_audited_while_the_server_is_down_is_not_served(string alias)
    {
        using var models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 1.5).WriteAliases("risk", """{"champion": "1"}""");
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", _connectionString)
            .With("Scoring:ModelDirectory", models.Root)
            .With("Scoring:DefaultModel", "risk");
        using var admin = host.ClientAs(TestTokens.Admin());
        using (var ready = await admin.GetAsync(Url("/api/v1/models")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await _cluster.StopAsync();
        using var promoted = await admin.PostAsJsonAsync(Url("/api/v1/models/risk/aliases"), new { alias, version = "2" });

        // No audit row can be written: the aliases are as they were, and version 1 is still the one served.
        await AssertUnavailableAsync(promoted, "promote " + alias);
        Assert.Equal(
            new Dictionary<string, string> { ["champion"] = "1" },
            Telematics.Scoring.Registry.ModelAliases.Read(Path.Combine(models.Root, "risk")));
        var registry = host.Services.GetRequiredService<Telematics.Scoring.Registry.ModelRegistry>();
        using (var served = registry.Acquire())
        {
            Assert.Equal("risk@1", served.Package.ToString());
        }

        Assert.False(registry.TryAcquire("risk", "challenger", out _));
    }

    [Fact]
    public async Task A_write_landing_on_a_read_only_server_is_503_like_any_failover()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", _connectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        await DrivingBodies.CreateDriverAsync(admin, "outage-before-" + Guid.NewGuid().ToString("N"));

        // What a failover shows for a moment: the address answers, but as a standby (SQLSTATE 25006 on every write).
        await SetReadOnlyAsync(true);
        try
        {
            using var refused = await admin.PostAsJsonAsync(Url("/api/v1/drivers"), new { externalRef = "outage-read-only-" + Guid.NewGuid().ToString("N"), displayName = "Read Only" });

            await AssertUnavailableAsync(refused, "create on a read-only server");
        }
        finally
        {
            await SetReadOnlyAsync(false);
        }
    }

    private async Task SetReadOnlyAsync(bool readOnly)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using (var set = new NpgsqlCommand($"ALTER SYSTEM SET default_transaction_read_only = {(readOnly ? "on" : "off")}", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection))
        {
            await reload.ExecuteNonQueryAsync();
        }

        // pg_reload_conf only signals the server, which re-reads its configuration when it gets to it (not within 300 ms
        // on a loaded CI machine) and then signals each backend, which applies it at its next command. So: wait until a
        // new session starts with the setting, and the pooled ones have the signal.
        var expected = readOnly ? "on" : "off";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ShownAsync() != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"default_transaction_read_only was not {expected} 30 s after the reload");
            await Task.Delay(100);
        }

        async Task<string?> ShownAsync()
        {
            await using var fresh = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
            await fresh.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW default_transaction_read_only", fresh);
            return (string?)await show.ExecuteScalarAsync();
        }
    }

    [Fact]
    public async Task While_the_server_is_down_every_database_endpoint_is_503_and_after_a_restart_the_host_serves_again()
    {
        // Seven uploads from one admin are in flight at once below: over the default per-client cap of 2.
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", _connectionString)
            .With("RateLimits:IngestConcurrency:PerClient", "8");
        using var admin = host.ClientAs(TestTokens.Admin());
        var stored = await DrivingBodies.CreateDriverAsync(admin, "outage-stored-" + Guid.NewGuid().ToString("N"));
        var cutOff = await DrivingBodies.CreateDriverAsync(admin, "outage-cut-off-" + Guid.NewGuid().ToString("N"));
        using (var upload = await admin.PostAsync(Events(stored), DrivingBodies.Content(DrivingBodies.Csv(2, TripSeconds), "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        // An upload in flight: more than one ingest chunk (8,192 samples) is sent, then the server stops, then the rest.
        var body = new Pipe();
        var lines = DrivingBodies.Csv(12, TripSeconds).Split('\n');
        using var streamed = new StreamContent(body.Reader.AsStream());
        streamed.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var inFlight = admin.PostAsync(Events(cutOff), streamed);
        await body.Writer.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines[..10_001]) + "\n")).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Concurrent uploads racing the shutdown: each is stored whole (200) or not at all (503), never a 500.
        var racers = new long[6];
        for (var i = 0; i < racers.Length; i++)
        {
            racers[i] = await DrivingBodies.CreateDriverAsync(admin, $"outage-racer-{i}-" + Guid.NewGuid().ToString("N"));
        }

        var racing = racers.Select(driver => admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, TripSeconds), "text/csv"))).ToArray();
        await _cluster.StopAsync();
        await body.Writer.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines[10_001..]))).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        await body.Writer.CompleteAsync();
        using (var cut = await inFlight.WaitAsync(TimeSpan.FromSeconds(60)))
        {
            await AssertUnavailableAsync(cut, "the upload cut off by the shutdown");
        }

        // Down: reads, writes and uploads, several at once, are 503 with Retry-After, never 500.
        string[] reads =
        [
            $"/api/v1/drivers/{stored}",
            "/api/v1/drivers?pageSize=5",
            $"/api/v1/drivers/{stored}/trips?from=2026-03-01&to=2026-03-31",
            $"/api/v1/drivers/{stored}/statistics?from=2026-03-01&to=2026-03-31",
            $"/api/v1/risk/{stored}/score",
            $"/api/v1/pricing/{stored}/history",
            "/api/v1/admin/dashboard/summary?from=2026-03-01&to=2026-03-31",
            "/api/v1/admin/partitions",
        ];
        var down = await Task.WhenAll(reads.Select(path => admin.GetAsync(Url(path))).Concat(
        [
            admin.PostAsync(Events(stored), DrivingBodies.Content(DrivingBodies.Csv(1, 600), "text/csv")),
            admin.PostAsync(Url($"/api/v1/risk/{stored}/recalculate?periodDays=30"), null),
            admin.DeleteAsync(Url($"/api/v1/drivers/{cutOff}")),
            admin.PostAsync(Url("/api/v1/admin/audit/verify"), null),
            admin.PostAsJsonAsync(Url("/api/v1/risk/batch-calculate"), new { driverIds = new[] { stored }, periodDays = 30 }),
        ]));
        for (var i = 0; i < down.Length; i++)
        {
            using var response = down[i];
            await AssertUnavailableAsync(response, i < reads.Length ? reads[i] : $"write {i - reads.Length}");
        }

        // Back on the same address: the same host serves at once, and nothing of the down time was stored.
        var restarted = await _cluster.StartAsync();
        Assert.Equal(_connectionString, restarted);
        using (var read = await admin.GetAsync(Url($"/api/v1/drivers/{stored}")))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var raced = await Task.WhenAll(racing);
        for (var i = 0; i < racers.Length; i++)
        {
            using var response = raced[i];
            var whole = response.StatusCode == HttpStatusCode.OK;
            Assert.True(whole || response.StatusCode == HttpStatusCode.ServiceUnavailable, $"racer {i}: {(int)response.StatusCode}");
            Assert.Equal(whole ? TripSeconds : 0, await CountAsync("telematics_events", racers[i]));
            Assert.Equal(whole ? 1 : 0, await CountAsync("trips", racers[i]));
        }

        Assert.Equal(2 * TripSeconds, await CountAsync("telematics_events", stored));
        Assert.Equal(2, await CountAsync("trips", stored));
        Assert.Equal(0, await CountAsync("telematics_events", cutOff));
        Assert.Equal(0, await CountAsync("trips", cutOff));
        using (var again = await admin.PostAsync(Events(cutOff), DrivingBodies.Content(DrivingBodies.Csv(1, TripSeconds), "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(TripSeconds, await CountAsync("telematics_events", cutOff));
    }
}
