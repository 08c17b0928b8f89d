using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>A driver's batches given in one call of <see cref="EventStreamIngestor.StoreBatchesAsync"/> are stored in their order.</summary>
public sealed class GroupedCommitOrderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 6, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_drivers_second_batch_in_one_call_is_stored_after_its_first()
    {
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(2);
        var day = DrivingDays.Day(90, Start, trips: 2, tripSeconds: 420);
        var parts = DrivingDays.Batches(day, 90);
        var other = DrivingDays.Day(91, Start, trips: 2, tripSeconds: 420);
        var round = new List<PreparedEventBatch>();
        foreach (var part in parts)
        {
            round.Add(await PreparedBatches.PrepareAsync(book, ids[0], Guid.CreateVersion7(), part));
        }

        round.Add(await PreparedBatches.PrepareAsync(book, ids[1], Guid.CreateVersion7(), other));
        Assert.All(await book.Ingestor.StoreBatchesAsync(round), o => Assert.Null(o.Failure));

        await StoredTrips.AssertExactlyOnceAndSameAsDirectAsync(book, ids, [day, other], "UTC", tripsPerDay: 2);
    }
}
