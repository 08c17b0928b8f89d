using System.Globalization;

using Telematics.Features.Samples;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// Two worker processes on a 3-node JetStream cluster (replicas 3); mid-run one worker is killed with SIGKILL and one NATS
/// node is killed. Afterwards every event is stored once and each driver's trips equal a direct upload of its day.
/// The CI size is 60 drivers (about 76,000 events); scripts/perf/stream-ingest.sh runs the full size.
/// </summary>
public sealed class CrashRecoveryTests(PostgresDatabase database, NatsCluster nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsCluster>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 14, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_killed_worker_and_a_killed_nats_node_lose_nothing_and_store_nothing_twice()
    {
        const int drivers = 60;
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(drivers);
        var days = new SampleBuffer[drivers];
        var perDriver = new List<SampleBuffer>[drivers];
        var batches = 0;
        for (var d = 0; d < drivers; d++)
        {
            days[d] = DrivingDays.Day(d + 100, Day, trips: 3, tripSeconds: 420);
            perDriver[d] = DrivingDays.Batches(days[d], d);
            batches += perDriver[d].Count;
        }

        await using var rig = StreamRig.Create(nats.Url, partitions: 8, replicas: 3);
        await rig.Topology.EnsureStreamsAsync();
        string[] settings =
        [
            "--Nats:SubjectPrefix=" + rig.Connection.SubjectPrefix,
            "--Nats:Replicas=3",
            "--Nats:Ingest:Partitions=8",
            "--Nats:Ingest:AckWait=00:00:05",
            "--Logging:LogLevel:Default=Warning",
        ];
        using var doomed = WorkerProcess.Start(database.ConnectionString, nats.Url, settings);
        using var survivor = WorkerProcess.Start(database.ConnectionString, nats.Url, settings);

        var published = 0;
        for (var k = 0; perDriver.Any(b => k < b.Count); k++)
        {
            for (var d = 0; d < drivers; d++)
            {
                if (k >= perDriver[d].Count)
                {
                    continue;
                }

                await PublishWithRetryAsync(rig, ids[d], Guid.CreateVersion7(), perDriver[d][k]);
                if (++published == batches / 3)
                {
                    // Once the workers are busy: a worker dies mid-batch, then a node of the cluster.
                    await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches") > 20, TimeSpan.FromSeconds(60), "the workers store batches");
                    doomed.KillHard();
                    nats.KillNode(2);
                }
            }
        }

        await rig.WaitUntilAsync(
            async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches") == batches,
            TimeSpan.FromSeconds(100),
            string.Create(CultureInfo.InvariantCulture, $"all {batches} batches are stored by the surviving worker"));
        Assert.False(survivor.HasExited, "the surviving worker exited");
        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, days, "Europe/Berlin");
    }

    // While the cluster elects new leaders a publish can fail; the same batch id again is never stored twice.
    private static async Task PublishWithRetryAsync(StreamRig rig, long driver, Guid batchId, SampleBuffer batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await rig.Publisher.PublishAsync(driver, batchId, batch, "Europe/Berlin", Book.Actor);
                return;
            }
            catch (StreamUnavailableException) when (attempt < 30)
            {
                await Task.Delay(500);
            }
        }
    }
}
