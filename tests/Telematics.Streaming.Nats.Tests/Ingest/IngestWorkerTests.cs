using NATS.Client.JetStream;

using Telematics.Features.Samples;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// Batches of many drivers published to a real JetStream server and stored by two workers into a real PostgreSQL: every
/// event once, every batch once, and each driver's trips exactly those of one direct upload of the driver's whole day.
/// </summary>
public sealed class IngestWorkerTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_workers_store_every_event_once_and_each_drivers_trips_equal_a_direct_ingest()
    {
        const int drivers = 40;
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(drivers);
        var days = new SampleBuffer[drivers];
        var batches = 0;
        await using (var rig = StreamRig.Create(nats.Url))
        {
            rig.StartWorker(book.Ingestor, "w1");
            rig.StartWorker(book.Ingestor, "w2");

            // Drivers' batches interleaved, as many devices publish at once; each driver's in its own order.
            var perDriver = new List<SampleBuffer>[drivers];
            for (var d = 0; d < drivers; d++)
            {
                days[d] = DrivingDays.Day(d, Day, trips: 3, tripSeconds: 420);
                perDriver[d] = DrivingDays.Batches(days[d], d);
                batches += perDriver[d].Count;
            }

            for (var k = 0; perDriver.Any(b => k < b.Count); k++)
            {
                for (var d = 0; d < drivers; d++)
                {
                    if (k < perDriver[d].Count)
                    {
                        var ack = await rig.Publisher.PublishAsync(ids[d], Guid.CreateVersion7(), perDriver[d][k], "Europe/Berlin", Book.Actor);
                        Assert.False(ack.Duplicate);
                    }
                }
            }

            await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE driver_id = ANY($1)", ids) == batches, TimeSpan.FromSeconds(90), $"all {batches} batches are stored");
        }

        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, days, "Europe/Berlin", tripsPerDay: 3);
    }

    [Fact]
    public async Task A_poison_batch_is_dead_lettered_with_its_reason_and_the_partitions_next_batch_is_stored()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url);
        var partition = DriverPartitioner.Partition(driver, rig.Options.Partitions);
        await rig.Topology.EnsureStreamsAsync();

        // A batch whose samples are damaged (its CRC broken) published first, then a good one of the same driver.
        var day = DrivingDays.Day(7, Day, trips: 1, tripSeconds: 300);
        var good = Guid.CreateVersion7();
        var poison = await EnvelopeBytesAsync(rig, driver, day);
        poison[^10] ^= 0xFF;
        var poisonAck = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(partition), poison, opts: new NATS.Client.JetStream.NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() });
        poisonAck.EnsureSuccess();
        await rig.Publisher.PublishAsync(driver, good, day, "UTC", Book.Actor);

        rig.StartWorker(book.Ingestor, "w1");
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the good batch is stored");
        Assert.Equal(day.Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));

        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        var dead = await deadLetters.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(partition) });
        var reason = dead.Headers![EventStreamNames.ReasonHeader].ToString();
        Assert.Contains("CRC", reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(poisonAck.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), dead.Headers[EventStreamNames.SequenceHeader].ToString());
        Assert.Equal(poison, dead.Data);

        // Terminated on the event stream: nothing of it is pending any more.
        var consumer = await rig.Js.GetConsumerAsync(rig.Topology.Names.EventStream, EventStreamNames.Consumer(partition));
        Assert.Equal(0, consumer.Info.NumAckPending);
        Assert.Equal(0UL, consumer.Info.NumPending);
    }

    [Fact]
    public async Task A_batch_of_a_driver_that_does_not_exist_is_retried_then_dead_lettered_and_the_partition_moves_on()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, configure: options => options.MaxDeliveries = 2);
        var partition = DriverPartitioner.Partition(driver, rig.Options.Partitions);

        // A driver id of the same partition that no driver has: storing it fails for a reason the batch's content does not show.
        var missing = driver + 1;
        while (DriverPartitioner.Partition(missing, rig.Options.Partitions) != partition)
        {
            missing++;
        }

        var day = DrivingDays.Day(9, Day, trips: 1, tripSeconds: 300);
        var orphanAck = await rig.Publisher.PublishAsync(missing, Guid.CreateVersion7(), day, "UTC", Book.Actor);
        var good = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, good, day, "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");

        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the good batch is stored");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        var dead = await deadLetters.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(partition) });
        Assert.StartsWith("not stored after 2 deliveries", dead.Headers![EventStreamNames.ReasonHeader].ToString(), StringComparison.Ordinal);
        Assert.Equal("2", dead.Headers[EventStreamNames.DeliveriesHeader].ToString());
        Assert.Equal(orphanAck.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), dead.Headers[EventStreamNames.SequenceHeader].ToString());
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", missing));

        // Order held through the retries: the partition's next batch was stored only after the failing one left it.
        var deadLetteredAt = DateTimeOffset.Parse(dead.Headers["Nats-Time-Stamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var storedAtMs = await book.ScalarAsync("SELECT (extract(epoch FROM stored_at) * 1000)::bigint FROM ingest_batches WHERE batch_id = $1", good);
        Assert.True(storedAtMs >= deadLetteredAt.ToUnixTimeMilliseconds() - 5, $"the next batch was stored at {storedAtMs}, before the retried one was dead-lettered at {deadLetteredAt.ToUnixTimeMilliseconds()}");
    }

    [Fact]
    public async Task A_batch_published_on_another_partition_than_its_drivers_is_dead_lettered_unstored_where_its_drivers_erasure_finds_it()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url);
        var home = DriverPartitioner.Partition(driver, rig.Options.Partitions);
        var wrong = (home + 1) % rig.Options.Partitions;
        await rig.Topology.EnsureStreamsAsync();
        var envelope = await EnvelopeBytesAsync(rig, driver, DrivingDays.Day(11, Day, trips: 1, tripSeconds: 300));
        (await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(wrong), envelope, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() })).EnsureSuccess();
        rig.StartWorker(book.Ingestor, "w1");

        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        await rig.WaitUntilAsync(async () => { await deadLetters.RefreshAsync(); return deadLetters.Info.State.Messages == 1; }, TimeSpan.FromSeconds(30), "the batch is dead-lettered");
        var dead = await deadLetters.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(home) });
        Assert.Equal(
            $"envelope, field 'driver_id': driver {driver} belongs to partition {home}, not {wrong}",
            dead.Headers![EventStreamNames.ReasonHeader].ToString());
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));

        // Its positions leave with the driver's erasure, which reads the driver's own partition only.
        Assert.Equal(1, await new EventStreamErasure(rig.Js, rig.Topology).EraseDriverAsync(driver));
        await deadLetters.RefreshAsync();
        Assert.Equal(0L, deadLetters.Info.State.Messages);
    }

    // The envelope the publisher would send, captured from the stream after publishing it under a prefix nobody consumes.
    internal static async Task<byte[]> EnvelopeBytesAsync(StreamRig rig, long driver, SampleBuffer samples)
    {
        var ack = await rig.Publisher.PublishAsync(driver, Guid.CreateVersion7(), samples, "UTC", Book.Actor);
        var stream = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        var message = await stream.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { Seq = ack.Sequence });
        await stream.DeleteMessageAsync(new NATS.Client.JetStream.Models.StreamMsgDeleteRequest { Seq = ack.Sequence });
        return message.Data!;
    }
}
