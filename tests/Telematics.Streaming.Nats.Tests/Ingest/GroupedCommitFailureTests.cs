using Npgsql;

using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A batch that cannot be stored in a group of batches (<see cref="EventStreamIngestor.StoreBatchesAsync"/>) fails alone, and
/// batches already stored (under their own id or another) are stored once.
/// </summary>
public sealed class GroupedCommitFailureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 6, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_of_a_driver_that_does_not_exist_fails_alone_and_the_others_of_its_group_are_stored()
    {
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(3);
        var missing = ids.Max() + 1_000_000;
        var round = new List<PreparedEventBatch>();
        foreach (var driver in ids.Append(missing))
        {
            // A whole day in one batch: it closes trips, which must reference an existing driver.
            round.Add(await PreparedBatches.PrepareAsync(book, driver, Guid.CreateVersion7(), DrivingDays.Day((int)(driver % 50), Start, trips: 2, tripSeconds: 300)));
        }

        var outcomes = await book.Ingestor.StoreBatchesAsync(round);

        var failure = Assert.IsType<KeyNotFoundException>(outcomes[^1].Failure);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Null(outcomes[i].Failure);
            Assert.Equal(2, outcomes[i].Result.TripsStored);
            Assert.Equal(2, await book.ScalarAsync("SELECT count(*) FROM trips WHERE driver_id = $1", ids[i]));
        }

        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", missing));
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE driver_id = $1", missing));
    }

    [Fact]
    public async Task A_redelivered_batch_in_a_group_stores_nothing_and_events_resent_under_a_new_id_are_stored_once()
    {
        var book = await Book.OpenAsync(database);
        var ids = await book.CreateDriversAsync(3);
        var days = ids.Select((_, d) => DrivingDays.Day(70 + d, Start, trips: 2, tripSeconds: 420)).ToArray();
        var batches = days.Select((day, d) => DrivingDays.Batches(day, 70 + d)).ToArray();
        var firstIds = ids.Select(_ => Guid.CreateVersion7()).ToArray();
        var first = new List<PreparedEventBatch>();
        for (var d = 0; d < ids.Length; d++)
        {
            first.Add(await PreparedBatches.PrepareAsync(book, ids[d], firstIds[d], batches[d][0]));
        }

        Assert.All(await book.Ingestor.StoreBatchesAsync(first), o => Assert.Null(o.Failure));
        var audit = await book.ScalarAsync("SELECT count(*) FROM audit_log");

        // Driver 0's first batch again under its id (a lost ack), driver 1's under a new id (a gateway that re-sent it),
        // driver 2's next batch.
        var second = new List<PreparedEventBatch>
        {
            await PreparedBatches.PrepareAsync(book, ids[0], firstIds[0], batches[0][0]),
            await PreparedBatches.PrepareAsync(book, ids[1], Guid.CreateVersion7(), batches[1][0]),
            await PreparedBatches.PrepareAsync(book, ids[2], Guid.CreateVersion7(), batches[2][1]),
        };
        var outcomes = await book.Ingestor.StoreBatchesAsync(second);

        Assert.All(outcomes, o => Assert.Null(o.Failure));
        Assert.True(outcomes[0].Result.AlreadyStored);
        Assert.False(outcomes[1].Result.AlreadyStored);
        Assert.Equal(0, outcomes[1].Result.Stored);
        Assert.Equal(batches[2][1].Count, outcomes[2].Result.Stored);
        Assert.Equal(audit + 1, await book.ScalarAsync("SELECT count(*) FROM audit_log"));
        Assert.Equal(batches[0][0].Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", ids[0]));
        Assert.Equal(batches[1][0].Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", ids[1]));
        Assert.Equal(batches[2][0].Count + batches[2][1].Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", ids[2]));
    }
}
