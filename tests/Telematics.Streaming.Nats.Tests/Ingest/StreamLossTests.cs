using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// The event stream deleted under running publishers and workers (NATS's storage lost, an operator's reset) is created
/// again by whichever needs it first: publishes go on being acknowledged and workers go on storing, without a restart.
/// </summary>
public sealed class StreamLossTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 18, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_publisher_whose_stream_was_deleted_creates_it_again_and_its_batch_is_taken()
    {
        var driver = 5_100_001L;
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var day = DrivingDays.Day(51, Day, trips: 1, tripSeconds: 120);
        await rig.Publisher.PublishAsync(driver, Guid.CreateVersion7(), day, "UTC", Book.Actor);

        Assert.True(await rig.Js.DeleteStreamAsync(rig.Topology.Names.EventStream));
        var ack = await rig.Publisher.PublishAsync(driver, Guid.CreateVersion7(), day, "UTC", Book.Actor);

        Assert.False(ack.Duplicate);
        var events = await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
        Assert.Equal(1L, events.Info.State.Messages);
    }

    [Fact]
    public async Task A_worker_whose_stream_was_deleted_creates_it_again_and_stores_the_batches_published_after()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var batches = DrivingDays.Batches(DrivingDays.Day(52, Day, trips: 1, tripSeconds: 600), 52);
        var before = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, before, batches[0], "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", before) == 1, TimeSpan.FromSeconds(30), "the first batch is stored");

        // Deleted with nobody publishing: only the worker can bring it back.
        Assert.True(await rig.Js.DeleteStreamAsync(rig.Topology.Names.EventStream));
        await rig.WaitUntilAsync(
            async () =>
            {
                try
                {
                    await rig.Js.GetStreamAsync(rig.Topology.Names.EventStream);
                    return true;
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            "the worker creates the stream again");

        var after = Guid.CreateVersion7();
        await rig.Publisher.PublishAsync(driver, after, batches[1], "UTC", Book.Actor);
        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", after) == 1, TimeSpan.FromSeconds(30), "the batch published after is stored");
    }
}
