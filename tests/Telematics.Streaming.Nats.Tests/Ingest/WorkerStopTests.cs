using Telematics.Features.Samples;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A worker stopped as a host shuts down (not killed) rolls back the transactions it had open and hands their batches back
/// at once, acknowledging the ones it had stored, so another worker goes on without waiting out the ack wait.
/// </summary>
public sealed class WorkerStopTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 12, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_worker_stopped_mid_run_rolls_back_and_hands_back_its_batches_and_another_stores_them_exactly_once()
    {
        const int drivers = 40;
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(drivers);
        var days = new SampleBuffer[drivers];
        var batches = 0;

        // An ack wait far longer than the test: a batch the stopped worker held is stored in time only if it was handed back.
        await using (var rig = StreamRig.Create(nats.Url, configure: o => o.AckWait = TimeSpan.FromMinutes(5)))
        {
            rig.StartWorker(book.Ingestor, "first");
            var perDriver = new List<SampleBuffer>[drivers];
            for (var d = 0; d < drivers; d++)
            {
                days[d] = DrivingDays.Day(100 + d, Day, trips: 3, tripSeconds: 420);
                perDriver[d] = DrivingDays.Batches(days[d], d);
                batches += perDriver[d].Count;
            }

            for (var k = 0; perDriver.Any(b => k < b.Count); k++)
            {
                for (var d = 0; d < drivers; d++)
                {
                    if (k < perDriver[d].Count)
                    {
                        await rig.Publisher.PublishAsync(ids[d], Guid.CreateVersion7(), perDriver[d][k], "Europe/Berlin", Book.Actor);
                    }
                }
            }

            var some = batches / 10;
            await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches") >= some, TimeSpan.FromSeconds(60), $"{some} batches are stored");
            await rig.StopWorkerAsync("first");
            var storedByFirst = await book.ScalarAsync("SELECT count(*) FROM ingest_batches");
            Assert.True(storedByFirst < batches, $"the first worker stored all {batches} batches before it was stopped");

            rig.StartWorker(book.Ingestor, "second");
            await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches") == batches, TimeSpan.FromSeconds(90), $"all {batches} batches are stored");
        }

        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, days, "Europe/Berlin", tripsPerDay: 3);
    }
}
