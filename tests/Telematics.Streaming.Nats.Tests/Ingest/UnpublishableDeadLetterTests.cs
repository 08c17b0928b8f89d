using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A batch whose dead letter the client would refuse as it stood — a reason with CR/LF in it, a body that fills the max
/// payload before the dead letter's headers — is dead-lettered all the same, and the partition's next batch is stored.
/// </summary>
public sealed class UnpublishableDeadLetterTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_whose_time_zone_holds_CR_LF_is_dead_lettered_and_the_partitions_next_batch_is_stored()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url);
        var partition = DriverPartitioner.Partition(driver, rig.Options.Partitions);
        await rig.Topology.EnsureStreamsAsync();
        var day = DrivingDays.Day(13, Day, trips: 1, tripSeconds: 300);

        // The envelope check takes any ASCII zone; the reason quotes it.
        var valid = await IngestWorkerTests.EnvelopeBytesAsync(rig, driver, day);
        Assert.True(EventBatchEnvelope.TryReadHeader(valid, out var header, out _));
        var bad = header with { TimeZoneId = "A\r\nB" };
        var envelope = new byte[EventBatchEnvelope.HeaderLength(bad.TimeZoneId, bad.ActorName, bad.ActorIp) + valid.Length - header.PayloadOffset];
        var at = EventBatchEnvelope.WriteHeader(envelope, bad);
        valid.AsSpan(header.PayloadOffset).CopyTo(envelope.AsSpan(at));
        var badAck = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(partition), envelope, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() });
        badAck.EnsureSuccess();
        var good = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, good, day, "UTC", Book.Actor);

        rig.StartWorker(book.Ingestor, "w1");
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the partition's next batch is stored");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        var dead = await deadLetters.GetDirectAsync<byte[]>(new StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(partition) });
        Assert.Equal("envelope, field 'time_zone': 'A??B' is not a known IANA time zone", dead.Headers![EventStreamNames.ReasonHeader].ToString());
        Assert.Equal(badAck.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), dead.Headers[EventStreamNames.SequenceHeader].ToString());
        Assert.Equal(envelope, dead.Data);
    }

    [Fact]
    public async Task A_batch_too_large_to_dead_letter_with_its_headers_is_dead_lettered_as_a_reference_and_stays_on_the_event_stream()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url);
        var partition = DriverPartitioner.Partition(driver, rig.Options.Partitions);
        await rig.Topology.EnsureStreamsAsync();

        // Not an envelope (no magic), as large as the server takes: the dead letter's headers would tip it over.
        await rig.Nats.ConnectAsync();
        var huge = new byte[rig.Nats.ServerInfo!.MaxPayload];
        var hugeAck = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(partition), huge);
        hugeAck.EnsureSuccess();
        var good = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, good, DrivingDays.Day(14, Day, trips: 1, tripSeconds: 300), "UTC", Book.Actor);

        rig.StartWorker(book.Ingestor, "w1");
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", good) == 1, TimeSpan.FromSeconds(30), "the partition's next batch is stored");
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        var dead = await deadLetters.GetDirectAsync<byte[]>(new StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(partition) });
        Assert.StartsWith($"body not copied (over the server's max payload), left on the event stream at sequence {hugeAck.Seq}: envelope, field 'magic'", dead.Headers![EventStreamNames.ReasonHeader].ToString(), StringComparison.Ordinal);
        Assert.Empty(dead.Data ?? []);

        // The body stays where the reference points, until the stream's max age (or the driver's erasure).
        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        var kept = await events.GetDirectAsync<byte[]>(new StreamMsgGetRequest { Seq = hugeAck.Seq });
        Assert.Equal(huge.Length, kept.Data!.Length);
    }

    [Fact]
    public void A_reason_header_is_printable_ASCII_and_capped()
    {
        Assert.Equal("x?y?z", IngestWorker.HeaderValue("x\ry\nz"));
        var capped = IngestWorker.HeaderValue(new string('r', 10_000));
        Assert.Equal(IngestWorker.MaxReasonLength, capped.Length);
        Assert.EndsWith("...", capped, StringComparison.Ordinal);
        Assert.Equal(new string('r', IngestWorker.MaxReasonLength), IngestWorker.HeaderValue(new string('r', IngestWorker.MaxReasonLength)));
    }
}
