using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Microsoft.Extensions.Logging;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Storage.Postgres.Outbox;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Outbox;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Connection;

/// <summary>
/// The configured URL carries the NATS password (<c>scripts/nats.sh</c> hands out <c>nats://user:password@host</c>); an
/// unreachable server must not put it in a log line, the relay's failure reason (a readiness check prints it) or the
/// publisher's exception. NATS.Net (3.3.2) masks it wherever it prints a server URL (<c>nats://user:***@host</c>), and the
/// URL goes to the client as configured: this guards that against a client upgrade.
/// </summary>
public sealed class CredentialRedactionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task An_unreachable_server_leaves_its_password_in_no_log_line_relay_failure_or_publish_exception()
    {
        var book = await Book.OpenAsync(database);
        var secret = "pw" + Guid.NewGuid().ToString("N");
        var url = $"nats://telematics:{secret}@127.0.0.1:{FreePort()}";
        var streaming = new NatsStreamingOptions { Url = url, SubjectPrefix = "t" + Guid.NewGuid().ToString("N")[..8] };
        var ingest = new StreamIngestOptions { Partitions = 1, PublishTimeout = TimeSpan.FromSeconds(3) };
        var logs = new CapturedLogs();
        await using var connection = NatsConnections.Create(streaming, "redaction-tests", logs);
        var js = new NatsJSContext(connection);
        var topology = new EventStreamTopology(js, streaming, ingest);

        var publisher = new EventBatchPublisher(js, topology, ingest, TimeProvider.System);
        var unavailable = await Assert.ThrowsAsync<StreamUnavailableException>(() => publisher.PublishAsync(
            1, Guid.CreateVersion7(), DrivingDays.Day(1, DateTimeOffset.UnixEpoch.AddYears(56), trips: 1, tripSeconds: 60), "UTC", Book.Actor));
        Assert.DoesNotContain(secret, unavailable.ToString(), StringComparison.Ordinal);

        var relayOptions = new OutboxRelayOptions { PollInterval = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };
        using var relay = new OutboxRelay(new PostgresOutbox(book.DataSource), connection, streaming, relayOptions, TimeProvider.System, logs.CreateLogger<OutboxRelay>());
        await relay.StartAsync(CancellationToken.None);

        // A worker on a connection of its own making, URL and credentials as configured: its log is redacted all the same.
        await using var raw = new NatsConnection(new NatsOpts { Url = url, Name = "redaction-tests-raw" });
        using var stop = new CancellationTokenSource();
        var workers = new[] { js, new NatsJSContext(raw) }.Select(context => Task.Run(async () =>
        {
            var worker = new IngestWorker("w", context, new EventStreamTopology(context, streaming, ingest), book.Ingestor, ingest, TimeProvider.System, logs.CreateLogger<IngestWorker>());
            try
            {
                await worker.RunAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopped while it still waited for the streams.
            }
        })).ToArray();

        // At least 4 s, and until what is asserted below has been logged: a loaded CI machine may take longer to fail
        // the first pulls and relays.
        var clock = Stopwatch.StartNew();
        while ((clock.Elapsed < TimeSpan.FromSeconds(4)
                || relay.Failure is null
                || !logs.Entries.Any(e => e.EventId == 3105)
                || !logs.Entries.Any(e => e.EventId == 9201)
                || !logs.Entries.Any(e => e.Text.StartsWith("NATS.", StringComparison.Ordinal)))
            && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await relay.StopAsync(CancellationToken.None);

        Assert.NotNull(relay.Failure);
        Assert.DoesNotContain(secret, relay.Failure.Reason, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.EventId == 3105); // the workers' pull failures
        Assert.Contains(logs.Entries, e => e.EventId == 9201); // the relay's warning
        Assert.Contains(logs.Entries, e => e.Text.StartsWith("NATS.", StringComparison.Ordinal)); // the client's own lines
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(secret, StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
