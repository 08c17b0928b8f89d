using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// The event stream keeps the batches not yet settled: a stored batch leaves it at once, not after the stream's max age,
/// while a batch still being retried, and the partition's batches waiting behind it, stay until they are stored — in
/// order.
/// </summary>
public sealed class SettledBatchDeletionTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 19, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Stored_batches_leave_the_stream_and_the_ones_not_yet_stored_stay_until_they_are()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1, configure: options => options.MaxDeliveries = 100);
        var batches = DrivingDays.Batches(DrivingDays.Day(61, Day, trips: 1, tripSeconds: 900), 61);
        var (stored, refused, waiting) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        // The second batch is refused (not for its content) until the fault is cleared: retried, it holds the partition.
        await StoreFaults.InjectAsync(book, refused, [], otherwise: "P0001");
        var first = await rig.Publisher.PublishAsync(driver, stored, batches[0], "UTC", Book.Actor);
        var second = await rig.Publisher.PublishAsync(driver, refused, batches[1], "UTC", Book.Actor);
        var third = await rig.Publisher.PublishAsync(driver, waiting, batches[2], "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");

        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        await rig.WaitUntilAsync(async () => !await HoldsAsync(events, first.Sequence), TimeSpan.FromSeconds(30), "the stored batch leaves the stream");
        Assert.Equal(1, await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", stored));
        Assert.True(await HoldsAsync(events, second.Sequence), "the batch being retried was purged");
        Assert.True(await HoldsAsync(events, third.Sequence), "the batch waiting behind it was purged");
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = ANY($1)", new[] { refused, waiting }));

        await StoreFaults.ClearAsync(book, refused);
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = ANY($1)", new[] { refused, waiting }) == 2, TimeSpan.FromSeconds(60), "the other two are stored");
        await rig.WaitUntilAsync(async () => { await events.RefreshAsync(); return events.Info.State.Messages == 0; }, TimeSpan.FromSeconds(30), "the stream is empty");
        Assert.Equal(batches[0].Count + batches[1].Count + batches[2].Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));
    }

    private static async Task<bool> HoldsAsync(INatsJSStream stream, ulong sequence)
    {
        var found = await stream.GetDirectAsync<byte[]>(new StreamMsgGetRequest { Seq = sequence });
        return found.Headers?.Code is not 404 && found.Data is { Length: > 0 };
    }
}
