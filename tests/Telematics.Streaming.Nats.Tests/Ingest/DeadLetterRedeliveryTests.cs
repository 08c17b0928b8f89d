using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A worker that dies between publishing a dead letter and terminating the batch: the next worker is answered Duplicate
/// for the dead letter (its id is the batch's sequence and body hash), terminates the batch and the partition moves on. In a class of
/// its own: it stores a batch, which <see cref="IngestWorkerTests"/>' whole-database counts must not see.
/// </summary>
public sealed class DeadLetterRedeliveryTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_dead_lettered_by_a_worker_that_died_before_terminating_it_is_terminated_once_and_not_copied()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url);
        var partition = DriverPartitioner.Partition(driver, rig.Options.Partitions);
        await rig.Topology.EnsureStreamsAsync();

        var day = DrivingDays.Day(8, Day, trips: 1, tripSeconds: 300);
        var poison = await IngestWorkerTests.EnvelopeBytesAsync(rig, driver, day);
        poison[^10] ^= 0xFF;
        var poisonAck = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(partition), poison, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() });
        poisonAck.EnsureSuccess();

        // The dead letter an earlier worker published before it died, the batch still unterminated on the event stream.
        var sequence = poisonAck.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await rig.Js.PublishAsync(
            rig.Topology.Names.DeadLetterSubject(partition),
            poison,
            headers: new NATS.Client.Core.NatsHeaders { [EventStreamNames.SequenceHeader] = sequence },
            opts: new NatsJSPubOpts { MsgId = IngestWorker.DeadLetterId(poisonAck.Seq, poison) })).EnsureSuccess();
        var good = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, good, day, "UTC", Book.Actor);

        rig.StartWorker(book.Ingestor, "w1");

        // Within the duplicate window (10 min), not after it.
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the partition's next batch is stored");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        Assert.Equal(1L, deadLetters.Info.State.Messages);
    }
}
