using NATS.Client.JetStream.Models;

using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Outbox;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// The worker process relays the domain events its stores write to the outbox: with no host relaying (hosts without
/// NATS), the TripCompleted events of the trips it stores still reach the stream and leave the outbox.
/// </summary>
public sealed class WorkerRelayTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 17, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_worker_process_hands_the_trip_events_it_writes_to_the_domain_event_stream()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 2);
        var batch = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, batch, DrivingDays.Day(41, Day, trips: 2, tripSeconds: 300), "UTC", Book.Actor);
        using var worker = WorkerProcess.Start(database.ConnectionString, nats.Url,
        [
            "--Nats:SubjectPrefix=" + rig.Connection.SubjectPrefix,
            "--Nats:Ingest:Partitions=2",
            "--Logging:LogLevel:Default=Warning",
        ]);

        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", batch) == 1, TimeSpan.FromSeconds(60), "the batch is stored");
        Assert.Equal(2, await book.ScalarAsync("SELECT count(*) FROM trips WHERE driver_id = $1", driver));
        var streaming = new NatsStreamingOptions { SubjectPrefix = rig.Connection.SubjectPrefix };
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM domain_event_outbox") == 0, TimeSpan.FromSeconds(30), "the outbox is relayed");

        var subject = DomainEventStream.Subject(streaming, "TripCompleted", driver.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stream = await rig.Js.GetStreamAsync(DomainEventStream.Name(streaming), new StreamInfoRequest { SubjectsFilter = subject });
        Assert.Equal(2, stream.Info.State.Subjects![subject]);
        Assert.False(worker.HasExited, "the worker exited");
    }
}
