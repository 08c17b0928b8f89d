using System.Text;

using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// The event stream created again (deleted by an operator, its storage lost) numbers its batches from 1 again: a new bad
/// batch at a sequence an earlier dead letter had must still be dead-lettered, not taken for that one's redelivery.
/// </summary>
public sealed class DeadLetterIdTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    [Fact]
    public async Task A_bad_batch_at_the_sequence_of_a_dead_letter_from_before_the_event_stream_was_recreated_is_dead_lettered_too()
    {
        var book = await Book.OpenAsync(database);
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        await rig.Topology.EnsureStreamsAsync();
        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);

        var first = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(0), Encoding.ASCII.GetBytes("not an envelope, the first"));
        first.EnsureSuccess();
        rig.StartWorker(book.Ingestor, "w1");
        await rig.WaitUntilAsync(async () => { await deadLetters.RefreshAsync(); return deadLetters.Info.State.Messages == 1; }, TimeSpan.FromSeconds(30), "the first bad batch is dead-lettered");
        await rig.StopWorkerAsync("w1");

        await rig.Js.DeleteStreamAsync(rig.Topology.Names.EventStream);
        await rig.Topology.EnsureStreamsAsync();
        var second = await rig.Js.PublishAsync(rig.Topology.Names.EventSubject(0), Encoding.ASCII.GetBytes("not an envelope, the second"));
        second.EnsureSuccess();
        Assert.Equal(first.Seq, second.Seq);

        rig.StartWorker(book.Ingestor, "w2");
        await rig.WaitUntilAsync(async () => { await deadLetters.RefreshAsync(); return deadLetters.Info.State.Messages == 2; }, TimeSpan.FromSeconds(30), "the second bad batch is dead-lettered too");
    }
}
