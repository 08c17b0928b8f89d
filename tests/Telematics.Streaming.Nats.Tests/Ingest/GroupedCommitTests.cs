using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// Several drivers' batches stored in one transaction (<see cref="EventStreamIngestor.StoreBatchesAsync"/>, as a worker
/// stores what its partitions hold at once) have each the effect of storing it alone.
/// </summary>
public sealed class GroupedCommitTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 6, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rounds_of_every_drivers_next_batch_stored_together_make_the_trips_of_one_direct_upload_each_and_share_one_transaction()
    {
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(6);
        var days = ids.Select((_, d) => DrivingDays.Day(40 + d, Start, trips: 3, tripSeconds: 420)).ToArray();
        var batches = days.Select((day, d) => DrivingDays.Batches(day, 40 + d)).ToArray();
        var rounds = batches.Max(b => b.Count);
        var groups = 0;
        for (var r = 0; r < rounds; r++)
        {
            var round = new List<PreparedEventBatch>();
            for (var d = 0; d < ids.Length; d++)
            {
                if (r < batches[d].Count)
                {
                    round.Add(await PreparedBatches.PrepareAsync(book, ids[d], Guid.CreateVersion7(), batches[d][r]));
                }
            }

            var outcomes = await book.Ingestor.StoreBatchesAsync(round);
            Assert.All(outcomes, o => Assert.Null(o.Failure));
            Assert.All(outcomes, o => Assert.Equal(o.Result.Received, o.Result.Stored));
            groups++;
        }

        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, days, "UTC", tripsPerDay: 3);

        // One audit row per batch, and one transaction per round: the rows of a round were committed together.
        var batchCount = batches.Sum(b => b.Count);
        Assert.Equal(batchCount, await book.ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'events.ingest'"));
        Assert.Equal(groups, await book.ScalarAsync("SELECT count(DISTINCT xmin::text) FROM audit_log WHERE action = 'events.ingest'"));
        Assert.Equal(batchCount, await book.ScalarAsync("SELECT count(*) FROM ingest_batches"));
        Assert.True(groups < batchCount / 3, $"{groups} transactions for {batchCount} batches");
    }
}
