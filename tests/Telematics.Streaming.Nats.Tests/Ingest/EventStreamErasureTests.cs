using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// An erased driver's raw batches (positions) leave the event stream and the dead letters at once, not after MaxAge;
/// the other drivers' batches on the same subject stay. One partition, so every driver shares it.
/// </summary>
public sealed class EventStreamErasureTests(NatsServer nats) : IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 14, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_erased_drivers_batches_are_deleted_from_both_streams_and_the_others_stay()
    {
        const long erased = 4_100_001, kept = 4_100_002;
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var day = DrivingDays.Day(0, Day, trips: 1, tripSeconds: 120);
        var sequences = new List<(long Driver, ulong Sequence)>();
        foreach (var driver in new[] { erased, kept, erased, kept, erased })
        {
            var ack = await rig.Publisher.PublishAsync(driver, Guid.CreateVersion7(), day, "UTC", Book.Actor);
            sequences.Add((driver, ack.Sequence));
        }

        // A dead letter of each driver: the original envelope as body, as a worker writes it.
        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        foreach (var (driver, sequence) in sequences.Take(2))
        {
            var envelope = await events.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { Seq = sequence });
            var published = await rig.Js.PublishAsync(rig.Topology.Names.DeadLetterSubject(0), envelope.Data, opts: new NATS.Client.JetStream.NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() });
            published.EnsureSuccess();
        }

        var deleted = await new EventStreamErasure(rig.Js, rig.Topology).EraseDriverAsync(erased);

        Assert.Equal(3 + 1, deleted);
        await events.RefreshAsync();
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        Assert.Equal(2L, events.Info.State.Messages);
        Assert.Equal(1L, deadLetters.Info.State.Messages);
        foreach (var (driver, sequence) in sequences.Where(s => s.Driver == kept))
        {
            var left = await events.GetDirectAsync<byte[]>(new NATS.Client.JetStream.Models.StreamMsgGetRequest { Seq = sequence });
            Assert.True(EventBatchEnvelope.TryReadHeader(left.Data, out var header, out _));
            Assert.Equal(kept, header.DriverId);
        }

        Assert.Equal(0, await new EventStreamErasure(rig.Js, rig.Topology).EraseDriverAsync(erased));
    }
}
