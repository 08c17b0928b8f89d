using System.Net;
using System.Net.Sockets;

using Npgsql;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A worker that alone cannot reach PostgreSQL (its route or proxy broken, the database up for the others) must not hold the
/// partitions it took while workers that can store idle: it hands their batches over after a bounded wait.
/// </summary>
public sealed class UnreachableStoreTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private const int Partitions = 8;
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Batches_held_by_a_worker_that_cannot_reach_the_database_are_stored_by_one_that_can()
    {
        var book = await Book.OpenAsync(database);
        var drivers = (await book.CreateDriversAsync(64)).DistinctBy(id => DriverPartitioner.Partition(id, Partitions)).ToArray();
        Assert.Equal(Partitions, drivers.Length);
        await using var unreachable = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = DeadPort(), Timeout = 2 }.ConnectionString);

        // AckWait 5 s (StreamRig): the cut-off worker hands a batch over after two ack waits.
        await using var rig = StreamRig.Create(nats.Url, Partitions);
        rig.StartWorker(new Book(unreachable).Ingestor, "cut-off");
        for (var d = 0; d < drivers.Length; d++)
        {
            await rig.Publisher.PublishAsync(drivers[d], Guid.CreateVersion7(), DrivingDays.Day(300 + d, Day, trips: 1, tripSeconds: 300), "UTC", Book.Actor);
        }

        // Every partition's one batch in flight is the cut-off worker's before a worker that can store starts.
        await rig.WaitUntilAsync(() => EveryPartitionHeldAsync(rig), TimeSpan.FromSeconds(30), "the cut-off worker holds every partition's batch");
        rig.StartWorker(book.Ingestor, "connected");

        await rig.WaitUntilAsync(
            async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches") == Partitions, TimeSpan.FromSeconds(60), "every partition's batch is stored");
        Assert.Equal(0L, await DeadLettersAsync(rig));
    }

    private static async Task<bool> EveryPartitionHeldAsync(StreamRig rig)
    {
        for (var p = 0; p < Partitions; p++)
        {
            var consumer = await rig.Js.GetConsumerAsync(rig.Topology.Names.EventStream, EventStreamNames.Consumer(p));
            if (consumer.Info.NumAckPending != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<long> DeadLettersAsync(StreamRig rig) =>
        (await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream)).Info.State.Messages;

    // A loopback port nothing listens on (taken and released): connections to it are refused at once.
    private static int DeadPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
