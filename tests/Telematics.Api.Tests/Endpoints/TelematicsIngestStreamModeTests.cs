using System.Globalization;
using System.Net;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Api.Tests.Cluster;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// <c>Ingest:Mode=stream</c> on a real NATS JetStream server (scripts/nats.sh) and PostgreSQL: the upload is validated as
/// in the direct mode, answered 202 only after JetStream acknowledged it, and stored by the host's ingest worker; with NATS
/// down the answer is 503 problem+json and nothing is accepted.
/// </summary>
public sealed class TelematicsIngestStreamModeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const int TripSeconds = 1200;

    private ApiHost Host(string natsUrl, string prefix, int workers) => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("ConnectionStrings:Nats", natsUrl)
        .With("Ingest:Mode", "stream")
        .With("Ingest:Workers", workers.ToString(CultureInfo.InvariantCulture))
        .With("Nats:SubjectPrefix", prefix)
        .With("Nats:Ingest:PublishTimeout", "00:00:10"); // the first publish creates the stream: slow on a loaded CI machine

    private static Uri Events(long driverId, string query = "") =>
        new(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driverId}{query}"), UriKind.Relative);

    private async Task<long> CountAsync(string table, long driverId)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_upload_is_answered_202_with_its_batch_id_and_the_hosts_worker_stores_its_events_and_trips()
    {
        var name = await StartNatsAsync();
        try
        {
            var url = (await NatsServer.ScriptAsync("url", name)).Trim();
            await using var host = Host(url, "s" + Guid.NewGuid().ToString("N")[..8], workers: 1);
            using var admin = host.ClientAs(TestTokens.Admin());
            var driver = await DrivingBodies.CreateDriverAsync(admin, "stream-" + Guid.NewGuid().ToString("N"));
            var trips = new Uri($"/api/v1/drivers/{driver}/trips?from=2026-03-01&to=2026-03-31", UriKind.Relative);
            var before = await ProblemAssert.JsonAsync(await admin.GetAsync(trips)); // cached: no trips yet

            using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(2, TripSeconds), "text/csv"));
            var result = await ProblemAssert.JsonAsync(response);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal("accepted", result.GetProperty("status").GetString());
            Assert.Equal(2 * TripSeconds, result.GetProperty("received").GetInt64());
            var batch = Assert.Single(result.GetProperty("batchIds").EnumerateArray()).GetGuid();

            // The 202 links the upload's last batch: 404 until a worker stored it, then 200.
            Assert.Equal($"/api/v1/telematics/batches/{batch:D}", response.Headers.Location?.OriginalString);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                using var status = await admin.GetAsync(response.Headers.Location);
                if (status.StatusCode == HttpStatusCode.OK)
                {
                    var stored = await ProblemAssert.JsonAsync(status);
                    Assert.Equal("stored", stored.GetProperty("status").GetString());
                    Assert.Equal(driver, stored.GetProperty("driverId").GetInt64());
                    break;
                }

                Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
                Assert.True(DateTime.UtcNow < deadline, "the worker did not store the upload within 30 s");
                await Task.Delay(200);
            }

            Assert.Equal(2, await CountAsync("trips", driver));

            // The worker's store dropped the driver's cached reads, as a direct upload does: not after the cache's TTL (5
            // minutes). The worker tells the host after its commit and the stream's acknowledgement, so the batch can read
            // as stored a moment before: polled for up to 30 s, which a loaded CI machine may need.
            var after = await ProblemAssert.JsonAsync(await admin.GetAsync(trips));
            var readAgain = DateTime.UtcNow.AddSeconds(30);
            while (after.GetProperty("items").GetArrayLength() == 0 && DateTime.UtcNow < readAgain)
            {
                await Task.Delay(200);
                after = await ProblemAssert.JsonAsync(await admin.GetAsync(trips));
            }

            Assert.Equal((0, 2), (before.GetProperty("items").GetArrayLength(), after.GetProperty("items").GetArrayLength()));

            Assert.Equal(2 * TripSeconds, await CountAsync("telematics_events", driver));
            Assert.Equal(1, await CountAsync("ingest_batches", driver));
            await using var audit = database.DataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE action = 'events.ingest' AND after::text LIKE $1");
            audit.Parameters.AddWithValue("%" + batch.ToString("D") + "%");
            Assert.Equal(1L, (long)(await audit.ExecuteScalarAsync())!);
        }
        finally
        {
            await NatsServer.ScriptAsync("destroy", name);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // gateways publish, and the host that erases has NATS for domain events only (direct uploads)
    public async Task Erasing_a_driver_deletes_its_batches_waiting_on_the_stream_and_keeps_the_others(bool erasedByADirectModeHost)
    {
        var name = await StartNatsAsync();
        try
        {
            var url = (await NatsServer.ScriptAsync("url", name)).Trim();
            var prefix = "s" + Guid.NewGuid().ToString("N")[..8];
            await using var host = Host(url, prefix, workers: 0); // no worker: the batches wait on the stream
            using var admin = host.ClientAs(TestTokens.Admin());
            var erased = await DrivingBodies.CreateDriverAsync(admin, "stream-erased-" + Guid.NewGuid().ToString("N"));
            var kept = await DrivingBodies.CreateDriverAsync(admin, "stream-kept-" + Guid.NewGuid().ToString("N"));
            foreach (var driver in new[] { erased, kept })
            {
                using var upload = await admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, TripSeconds), "text/csv"));
                Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            }

            await using var direct = new ApiHost()
                .With("ConnectionStrings:Telematics", database.ConnectionString)
                .With("ConnectionStrings:Nats", url)
                .With("Nats:SubjectPrefix", prefix);
            using var eraser = erasedByADirectModeHost ? direct.ClientAs(TestTokens.Admin()) : host.ClientAs(TestTokens.Admin());
            using var deleted = await eraser.DeleteAsync(new Uri($"/api/v1/drivers/{erased}", UriKind.Relative));

            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            await using var nats = new NatsConnection(new NatsOpts { Url = url });
            var js = new NatsJSContext(nats);
            var stream = await js.GetStreamAsync(prefix.ToUpperInvariant() + "_EVENTS");
            var drivers = new List<long>();
            for (var seq = stream.Info.State.FirstSeq; seq <= stream.Info.State.LastSeq && seq > 0; seq++)
            {
                try
                {
                    var message = await stream.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { Seq = seq });
                    if (message.Data is { } data && Telematics.Streaming.Nats.Ingest.EventBatchEnvelope.TryReadHeader(data, out var header, out _))
                    {
                        drivers.Add(header.DriverId);
                    }
                }
                catch (NatsJSApiException)
                {
                    // deleted
                }
            }

            Assert.DoesNotContain(erased, drivers);
            Assert.Contains(kept, drivers);
        }
        finally
        {
            await NatsServer.ScriptAsync("destroy", name);
        }
    }

    [Fact]
    public async Task A_bad_record_is_the_same_400_as_in_the_direct_mode_and_nothing_reaches_the_stream()
    {
        var name = await StartNatsAsync();
        try
        {
            var url = (await NatsServer.ScriptAsync("url", name)).Trim();
            var prefix = "s" + Guid.NewGuid().ToString("N")[..8];
            await using var host = Host(url, prefix, workers: 0);
            using var admin = host.ClientAs(TestTokens.Admin());
            var driver = await DrivingBodies.CreateDriverAsync(admin, "stream-bad-" + Guid.NewGuid().ToString("N"));
            var lines = DrivingBodies.Csv(1, TripSeconds).Split('\n');
            lines[500] = lines[500].Replace("-25.4", "-95.4", StringComparison.Ordinal);

            using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(string.Join('\n', lines), "text/csv"));
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

            Assert.Equal(501, problem.GetProperty("record").GetInt64());
            Assert.Equal("lat", problem.GetProperty("field").GetString());
            await using var nats = new NatsConnection(new NatsOpts { Url = url });
            var js = new NatsJSContext(nats);
            var streams = new List<string>();
            await foreach (var stream in js.ListStreamNamesAsync())
            {
                streams.Add(stream);
            }

            // The publisher creates its stream on the first publish: none was made, so nothing was published.
            Assert.DoesNotContain(prefix.ToUpperInvariant() + "_EVENTS", streams);
        }
        finally
        {
            await NatsServer.ScriptAsync("destroy", name);
        }
    }

    [Fact]
    public async Task With_nats_stopped_an_upload_is_a_503_problem_and_nothing_is_stored()
    {
        var name = await StartNatsAsync();
        try
        {
            var url = (await NatsServer.ScriptAsync("url", name)).Trim();
            await NatsServer.ScriptAsync("stop", name);
            await using var host = Host(url, "s" + Guid.NewGuid().ToString("N")[..8], workers: 0);
            using var admin = host.ClientAs(TestTokens.Admin());
            var driver = await DrivingBodies.CreateDriverAsync(admin, "stream-down-" + Guid.NewGuid().ToString("N"));

            using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, TripSeconds), "text/csv"));
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "https://telematics.dev/problems/unavailable");

            Assert.Equal("The event stream is not available.", problem.GetProperty("title").GetString());
            Assert.True(response.Headers.RetryAfter is not null);
            Assert.Equal(0, await CountAsync("telematics_events", driver));
        }
        finally
        {
            await NatsServer.ScriptAsync("destroy", name);
        }
    }

    private static async Task<string> StartNatsAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..10];
        await NatsServer.ScriptAsync("start", name);
        return name;
    }
}
