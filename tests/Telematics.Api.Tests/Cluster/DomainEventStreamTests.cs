using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Features.Ingest.Csv;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres;
using Telematics.Testing;

using Xunit.Abstractions;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Cluster;

/// <summary>
/// Hosts with NATS configured: their writes' domain events go through the outbox to a real JetStream server as
/// CloudEvents, none lost while NATS is down and none twice, and the live hub is fed from that stream across hosts.
/// Each test uses subject and Redis prefixes of its own.
/// </summary>
public sealed class DomainEventStreamTests(PostgresDatabase database, NatsServer nats, ITestOutputHelper output)
    : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>, IAsyncLifetime
{
    // How long a live message may take through the outbox, the event stream and the hub on a loaded CI machine.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Events_written_while_NATS_is_down_reach_the_stream_once_it_is_back_none_lost_none_twice()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-outage", 4);
        // Test-only relay timings (defaults 10 s and 5 s): the outage shows once a held publish has waited 2 s, not 10 s,
        // and the relay tries again at least every second, so the outbox drains within about a second of NATS's return
        // instead of up to 5 s. Shorter timeouts only give more chances of publishing an event twice, which the test refuses.
        await using var host = Host(prefix, redis: false)
            .With("Nats:Relay:PublishTimeout", "00:00:02")
            .With("Nats:Relay:MaxRetryDelay", "00:00:01");
        using var admin = host.ClientAs(TestTokens.Admin());
        var expected = new List<string>();
        expected.AddRange(await RecalculateAsync(admin, driver));
        await WaitForAsync(async () => (await DomainEventStreamReader.ReadAsync(nats.Url, prefix, $"{prefix}.domain.*.{driver}")).Count == 2, "the first events on the stream");

        await nats.StopAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                expected.AddRange(await RecalculateAsync(admin, driver)); // the writes commit with NATS down
            }

            Assert.True(await CountAsync(database, $"SELECT count(*) FROM domain_event_outbox WHERE subject = '{driver}'") >= 6);
            await WaitForAsync(async () => await RelayHealthAsync(admin) == "Degraded", "readiness to report the relay as degraded");
        }
        finally
        {
            await nats.StartAgainAsync();
        }

        var clock = Stopwatch.StartNew();
        await WaitForAsync(async () => await CountAsync(database, $"SELECT count(*) FROM domain_event_outbox WHERE subject = '{driver}'") == 0, "the outbox to drain");
        output.WriteLine($"the outbox drained {clock.Elapsed.TotalSeconds:F1} s after NATS was back");
        var onStream = (await DomainEventStreamReader.ReadAsync(nats.Url, prefix, $"{prefix}.domain.*.{driver}")).Select(e => e.GetProperty("id").GetString()!).ToList();
        await WaitForAsync(async () => await RelayHealthAsync(admin) == "Healthy", "readiness to report the relay as healthy again");

        Assert.Equal(8, expected.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), onStream.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_event_is_a_CloudEvent_with_the_documented_attributes_and_data()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-shape", 3);
        await using var host = Host(prefix, redis: false);
        using var admin = host.ClientAs(TestTokens.Admin());

        var ids = await RecalculateAsync(admin, driver);
        List<JsonElement> events = [];
        await WaitForAsync(async () => (events = await DomainEventStreamReader.ReadAsync(nats.Url, prefix, $"{prefix}.domain.RiskScoreCalculated.{driver}")).Count == 1, "the score's event");

        var cloudEvent = Assert.Single(events);
        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.Equal(ids[0], cloudEvent.GetProperty("id").GetString());
        Assert.Equal("telematics.RiskScoreCalculated.v1", cloudEvent.GetProperty("type").GetString());
        Assert.Equal("/telematics", cloudEvent.GetProperty("source").GetString());
        Assert.Equal(driver.ToString(System.Globalization.CultureInfo.InvariantCulture), cloudEvent.GetProperty("subject").GetString());
        Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
        var data = cloudEvent.GetProperty("data");
        Assert.Equal(driver, data.GetProperty("driver_id").GetInt64());
        Assert.Equal("score-" + data.GetProperty("score_id").GetInt64(), ids[0]);
        Assert.InRange(data.GetProperty("score").GetDouble(), 0, 100);
    }

    [Fact]
    public async Task A_recalculation_on_host_A_reaches_a_hub_client_on_host_B_once_through_the_event_stream()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-hub", 4);
        await using var hostA = Host(prefix, redis: true);
        await using var hostB = Host(prefix, redis: true);
        await using var onB = await LiveListener.ConnectAsync(hostB, TestTokens.Analyst());
        using var adminOnA = hostA.ClientAs(TestTokens.Admin());

        // The hosts' feeds start with the stream: wait until both consume (the first recalculation may precede them).
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's feed");
        var ids = await RecalculateAsync(adminOnA, driver);
        var heard = await onB.NextAsync("RiskScoreCalculated", Patience);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(driver, heard.GetProperty("driverId").GetInt64());
        Assert.Equal(ids[0], "score-" + heard.GetProperty("scoreId").GetInt64());
        Assert.Empty(onB.Waiting("RiskScoreCalculated")); // once, not once per host
    }

    [Fact]
    public async Task An_event_older_than_the_live_age_reaches_no_hub_client_while_a_fresh_one_does()
    {
        // What the shared consumer hands the first host back after every host was down: an event of an hour ago.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-old", 4);
        await using var host = Host(prefix, redis: true);
        await using var listener = await LiveListener.ConnectAsync(host, TestTokens.Analyst());
        using var admin = host.ClientAs(TestTokens.Admin());
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's feed");
        var first = await RecalculateAsync(admin, driver);
        Assert.Equal(first[0], "score-" + (await listener.NextAsync("RiskScoreCalculated", Patience)).GetProperty("scoreId").GetInt64());

        await RepublishAnHourOldAsync(prefix, first[0]);
        var second = await RecalculateAsync(admin, driver);

        Assert.Equal(second[0], "score-" + (await listener.NextAsync("RiskScoreCalculated", Patience)).GetProperty("scoreId").GetInt64());
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(listener.Waiting("RiskScoreCalculated"));
    }

    [Fact]
    public async Task Trips_stored_outside_the_hosts_drop_their_cached_reads_through_the_event_stream_not_after_the_cache_expiry()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        await using var hostA = Host(prefix, redis: true);
        await using var hostB = Host(prefix, redis: true);
        using var onA = hostA.ClientAs(TestTokens.Admin());
        using var onB = hostB.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(onA, "events-cache-" + Guid.NewGuid().ToString("N"));
        var trips = new Uri($"/api/v1/drivers/{driver}/trips?from=2026-03-01&to=2026-03-31", UriKind.Relative);
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's feed");
        Assert.Equal((0, 0), (await TripCountAsync(onA, trips), await TripCountAsync(onB, trips))); // cached on both hosts

        // What an ingest worker in a process of its own does: storage of its own, the trips' events into the outbox.
        await using (var worker = new ServiceCollection()
            .AddLogging()
            .AddTelematics(telematics => telematics.UsePostgres(options =>
            {
                options.ConnectionString = database.ConnectionString;
                options.WriteDomainEvents = true;
            }))
            .BuildServiceProvider())
        {
            await using var reader = CsvSampleReader.Create(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(DrivingBodies.Csv(2, 1200)))));
            var stored = await worker.GetRequiredService<EventStreamIngestor>().IngestAsync(driver, reader, TimeZoneInfo.Utc, new AuditActor("test:worker"));
            Assert.Equal(2, stored.TripsStored);
        }

        // One host takes each event from the shared consumer; the other hears of it through the Redis fan-out.
        await WaitForAsync(async () => await TripCountAsync(onA, trips) == 2 && await TripCountAsync(onB, trips) == 2, "both hosts to read the stored trips");
    }

    [Fact]
    public async Task The_hub_is_fed_again_after_NATS_restarts_without_its_store()
    {
        // NATS's storage lost: the stream and the feed's consumer are gone, and NATS.Net's consume pulls the missing
        // consumer in vain without an error. The relay creates the stream again with its next event; the feed must create
        // its consumer again by itself.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-store-lost", 4);
        await using var host = Host(prefix, redis: true)
            .With("Nats:Relay:PublishTimeout", "00:00:02")
            .With("Nats:Relay:MaxRetryDelay", "00:00:01");
        await using var listener = await LiveListener.ConnectAsync(host, TestTokens.Analyst());
        using var admin = host.ClientAs(TestTokens.Admin());
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's feed");

        await nats.StopAsync();
        try
        {
            Directory.Delete(Path.Combine(RepositoryRoot.Path, ".nats", nats.Name, "node1", "jetstream"), recursive: true);
        }
        finally
        {
            await nats.StartAgainAsync();
        }

        await RecalculateAsync(admin, driver);
        await WaitForAsync(() => StreamExistsAsync(prefix), "the relay to create the stream again");
        // The feed checks its consumer after 15 s without an event.
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's consumer to be created again", TimeSpan.FromSeconds(60));
        var ids = await RecalculateAsync(admin, driver);

        // The first recalculation's message may reach the client or not (it may precede the consumer): wait for the second's.
        var clock = Stopwatch.StartNew();
        while ("score-" + (await listener.NextAsync("RiskScoreCalculated", Patience)).GetProperty("scoreId").GetInt64() != ids[0])
        {
            Assert.True(clock.Elapsed < Patience, "the second recalculation's message did not reach the client");
        }
    }

    [Fact]
    public async Task While_the_Redis_breaker_is_open_the_feed_skips_the_hub_rather_than_wait_on_the_backplane()
    {
        // As LiveUpdates does: a stalled backplane must not cost the feed a wait per event, or the events behind it outlast
        // their ack wait and reach the clients twice. The breaker is tripped by hand here; Redis itself answers.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        var driver = await DriverWithTripsAsync(database, "events-breaker", 4);
        var logs = new CapturedLogs();
        await using var host = Host(prefix, redis: true)
            .With("Redis:BreakSeconds", "60")
            .WithServices(services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        using var admin = host.ClientAs(TestTokens.Admin());
        await WaitForAsync(() => ConsumerReadyAsync(prefix), "the hub's feed");

        host.Services.GetRequiredService<Telematics.Api.Cluster.RedisBreaker>().Trip(new TimeoutException("test: Redis did not answer"));
        await RecalculateAsync(admin, driver);

        // Event 9001: a live message not sent, here skipped for the breaker.
        await WaitForAsync(() => Task.FromResult(logs.Has(Microsoft.Extensions.Logging.LogLevel.Warning, 9001)), "the feed to skip the hub's send");
    }

    private async Task<bool> StreamExistsAsync(string prefix)
    {
        await using var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = nats.Url });
        try
        {
            await new NATS.Client.JetStream.NatsJSContext(connection).GetStreamAsync(prefix + "-domain-events");
            return true;
        }
        catch (NATS.Client.JetStream.NatsJSApiException)
        {
            return false;
        }
    }

    private static async Task<int> TripCountAsync(HttpClient client, Uri trips) =>
        (await ProblemAssert.JsonAsync(await client.GetAsync(trips))).GetProperty("items").GetArrayLength();

    // The status of the readiness check "domain-events" (an admin sees the checks).
    private static async Task<string?> RelayHealthAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").EnumerateArray()
            .Where(check => check.GetProperty("name").GetString() == "domain-events")
            .Select(check => check.GetProperty("status").GetString())
            .SingleOrDefault();
    }

    private async Task<bool> ConsumerReadyAsync(string prefix)
    {
        await using var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = nats.Url });
        var js = new NATS.Client.JetStream.NatsJSContext(connection);
        try
        {
            await js.GetConsumerAsync(prefix + "-domain-events", "live-hub");
            return true;
        }
        catch (NATS.Client.JetStream.NatsJSApiException)
        {
            return false;
        }
    }

    // Publishes again, as a new event of an hour ago, the stream's event of the score "score-N" (its CloudEvent id).
    private async Task RepublishAnHourOldAsync(string prefix, string scoreEventId)
    {
        var (subject, stored) = (await DomainEventStreamReader.ReadWithSubjectsAsync(nats.Url, prefix, prefix + ".domain.>"))
            .Single(message => message.Event.GetProperty("id").GetString() == scoreEventId);
        var cloudEvent = System.Text.Json.Nodes.JsonObject.Create(stored)!;
        cloudEvent["id"] = "score-old-" + Guid.NewGuid().ToString("N");
        cloudEvent["time"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = nats.Url });
        var ack = await new NATS.Client.JetStream.NatsJSContext(connection).PublishAsync(subject, Encoding.UTF8.GetBytes(cloudEvent.ToJsonString()));
        Assert.Null(ack.Error);
    }

    private ApiHost Host(string prefix, bool redis)
    {
        var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("ConnectionStrings:Nats", nats.Url)
            .With("Nats:SubjectPrefix", prefix);
        return redis ? host.With("ConnectionStrings:Redis", RedisServer.ConnectionString).With("Redis:Prefix", prefix) : host;
    }

    // A recalculation's two events: its score's and its premium's ids.
    private static async Task<string[]> RecalculateAsync(HttpClient admin, long driver)
    {
        using var response = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ["score-" + body.GetProperty("score").GetProperty("scoreId").GetInt64(), "premium-" + body.GetProperty("premium").GetProperty("premiumId").GetInt64()];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var limit = patience ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"waited {limit.TotalSeconds:0} s for {what}");
            await Task.Delay(100);
        }
    }
}
