using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Storage.Postgres.Drivers;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A batch whose driver was erased while it waited on the stream (or was held by a worker) leaves no positions behind:
/// the worker, told of erasures, drops it instead of dead-lettering it, whatever the dead letter's reason. A database of its own: the batches stored here
/// must not count in the other classes' totals.
/// </summary>
public sealed class ErasedDriverBatchTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_of_an_erased_driver_is_dropped_at_once_not_dead_lettered_and_a_driver_that_never_existed_still_is()
    {
        var book = await Book.OpenAsync(database);
        var drivers = new DriverRepository(book.DataSource, TimeProvider.System);
        var ids = await book.CreateDriversAsync(2);
        var (erased, kept) = (ids[0], ids[1]);
        await using var rig = StreamRig.Create(nats.Url, partitions: 1, configure: options => options.MaxDeliveries = 2);
        var day = DrivingDays.Day(12, Day, trips: 1, tripSeconds: 300);

        // The batch a worker held while its driver was erased: published before, stored after the erasure.
        var erasedAck = await rig.Publisher.PublishAsync(erased, Guid.CreateVersion7(), day, "UTC", Book.Actor);
        Assert.NotNull(await drivers.EraseAsync(erased, Book.Actor));
        var never = await book.ScalarAsync("SELECT max(driver_id) + 1000 FROM drivers");
        await rig.Publisher.PublishAsync(never, Guid.CreateVersion7(), day, "UTC", Book.Actor);
        var good = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(kept, good, day, "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1", drivers);

        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the kept driver's batch is stored");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        Assert.Equal(1L, deadLetters.Info.State.Messages); // the driver that never existed: kept for the operator
        var dead = await deadLetters.GetDirectAsync<byte[]>(new StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(0) });
        Assert.True(EventBatchEnvelope.TryReadHeader(dead.Data, out var header, out _));
        Assert.Equal(never, header.DriverId);
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", erased));

        // Nor on the event stream: its raw positions are not left there until the stream's max age.
        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        var gone = await events.GetDirectAsync<byte[]>(new StreamMsgGetRequest { Seq = erasedAck.Sequence });
        Assert.Equal(404, gone.Headers?.Code);
        Assert.True(await drivers.WasErasedAsync(erased));
        Assert.False(await drivers.WasErasedAsync(kept));
        Assert.False(await drivers.WasErasedAsync(never));
    }

    [Fact]
    public async Task A_batch_of_an_erased_driver_that_would_be_dead_lettered_for_its_content_is_dropped_instead()
    {
        var book = await Book.OpenAsync(database);
        var drivers = new DriverRepository(book.DataSource, TimeProvider.System);
        var erased = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 2);
        await rig.Topology.EnsureStreamsAsync();
        var home = DriverPartitioner.Partition(erased, 2);
        var envelope = await IngestWorkerTests.EnvelopeBytesAsync(rig, erased, DrivingDays.Day(15, Day, trips: 1, tripSeconds: 300));
        Assert.NotNull(await drivers.EraseAsync(erased, Book.Actor));

        // A bad record, a bad time zone, the wrong partition: each a dead letter of positions, for a driver with none left.
        var badRecord = envelope.ToArray();
        badRecord[^10] ^= 0xFF;
        Assert.True(EventBatchEnvelope.TryReadHeader(envelope, out var header, out _));
        var badZone = new byte[envelope.Length + "Mars/Olympus".Length - "UTC".Length];
        var at = EventBatchEnvelope.WriteHeader(badZone, header with { TimeZoneId = "Mars/Olympus" });
        envelope.AsSpan(header.PayloadOffset).CopyTo(badZone.AsSpan(at));
        foreach (var (subject, body) in new[] { (home, badRecord), (home, badZone), (1 - home, envelope) })
        {
            (await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(subject), body, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() })).EnsureSuccess();
        }

        rig.StartWorker(book.Ingestor, "w1", drivers);
        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        await rig.WaitUntilAsync(async () => { await events.RefreshAsync(); return events.Info.State.Messages == 0; }, TimeSpan.FromSeconds(30), "the three batches have left the event stream");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        Assert.Equal(0L, deadLetters.Info.State.Messages);
    }
}
