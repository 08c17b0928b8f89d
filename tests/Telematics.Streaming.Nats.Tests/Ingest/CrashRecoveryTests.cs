using System.Globalization;

using Telematics.Features.Samples;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// The full size: 1,000,000 events of 1,000 drivers, published in about 3,600 batches by 16 publishers (each
/// driver's batches in order) to a 3-node JetStream cluster (replicas 3), stored by two worker processes. Once a third is
/// published, one worker is killed with SIGKILL and one NATS node is killed. Afterwards every event is stored once and
/// each driver's trips equal a direct upload of its day.
/// </summary>
public sealed class CrashRecoveryTests(PostgresDatabase database, NatsCluster nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsCluster>
{
    private const int Drivers = 1_000;
    private const int TripsPerDriver = 2;
    private const int TripSeconds = 499; // 500 samples a trip: 1,000 a driver
    private const int Publishers = 16;

    // A stall this long (no batch stored) fails the test; the whole run has no fixed limit, as a loaded CI machine is slow.
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(120);
    private static readonly DateTimeOffset Day = new(2026, 5, 14, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_million_events_survive_a_killed_worker_and_a_killed_nats_node_and_are_stored_exactly_once()
    {
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(Drivers);
        var days = new SampleBuffer[Drivers];
        var perDriver = new List<SampleBuffer>[Drivers];
        var batches = 0;
        for (var d = 0; d < Drivers; d++)
        {
            days[d] = DrivingDays.Day(d + 100, Day, TripsPerDriver, TripSeconds);
            perDriver[d] = DrivingDays.Batches(days[d], d);
            batches += perDriver[d].Count;
        }

        Assert.Equal(1_000_000, days.Sum(d => (long)d.Count));

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
        var killed = 0;
        async Task PublishAsync(int publisher)
        {
            // Round-robin over this publisher's drivers, each driver's batches in order, as phones upload through a day.
            for (var k = 0; ; k++)
            {
                var any = false;
                for (var d = publisher; d < Drivers; d += Publishers)
                {
                    if (k >= perDriver[d].Count)
                    {
                        continue;
                    }

                    any = true;
                    await PublishWithRetryAsync(rig, ids[d], Guid.CreateVersion7(), perDriver[d][k]);
                    if (Interlocked.Increment(ref published) >= batches / 3 && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        // Once the workers are busy: a worker dies mid-batch, then a node of the cluster; publishing goes on.
                        await WaitForProgressAsync(book, rig, 20, "the workers store batches");
                        doomed.KillHard();
                        nats.KillNode(2);
                    }
                }

                if (!any)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() => PublishAsync(p))));
        Assert.Equal(1, killed);

        await WaitForProgressAsync(book, rig, batches, string.Create(CultureInfo.InvariantCulture, $"all {batches} batches are stored by the surviving worker"));
        Assert.False(survivor.HasExited, "the surviving worker exited");
        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, days, "Europe/Berlin", TripsPerDriver);
    }

    /// <summary>Waits until <paramref name="target"/> batches are stored, failing only when none is stored for <see cref="StallLimit"/>.</summary>
    private static async Task WaitForProgressAsync(Book book, StreamRig rig, long target, string what)
    {
        var last = -1L;
        var lastChange = DateTime.UtcNow;
        await rig.WaitUntilAsync(
            async () =>
            {
                var stored = await book.ScalarAsync("SELECT count(*) FROM ingest_batches");
                if (stored != last)
                {
                    (last, lastChange) = (stored, DateTime.UtcNow);
                }

                Assert.True(
                    DateTime.UtcNow - lastChange < StallLimit,
                    string.Create(CultureInfo.InvariantCulture, $"No batch was stored for {StallLimit.TotalSeconds} s ({stored} stored) while waiting until {what}."));
                return stored >= target;
            },
            Timeout.InfiniteTimeSpan,
            what);
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
