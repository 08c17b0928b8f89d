using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A batch delivered again after its upload committed (the worker died before its ack reached JetStream) stores nothing:
/// its id is recorded in the upload's transaction.
/// </summary>
public sealed class BatchLedgerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Every_batch_ingested_a_second_time_under_its_id_stores_nothing_and_leaves_the_trips_as_they_were()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        var day = DrivingDays.Day(3, new DateTimeOffset(2026, 5, 13, 6, 0, 0, TimeSpan.Zero), trips: 3, tripSeconds: 420);
        var batches = DrivingDays.Batches(day, 3);
        var ids = batches.Select(_ => Guid.CreateVersion7()).ToArray();
        for (var k = 0; k < batches.Count; k++)
        {
            var first = await IngestAsync(book, driver, ids[k], batches[k]);
            Assert.False(first.AlreadyStored);
            var trips = await book.TripsAsync();
            var audit = await book.ScalarAsync("SELECT count(*) FROM audit_log");

            // Redelivered right after its commit: before the partition's next batch, as max-ack-pending 1 guarantees.
            var again = await IngestAsync(book, driver, ids[k], batches[k]);
            Assert.True(again.AlreadyStored, $"batch {k} was stored a second time");
            Assert.Equal((0L, 0), (again.Stored, again.TripsStored));
            Assert.Equal(trips, await book.TripsAsync());
            Assert.Equal(audit, await book.ScalarAsync("SELECT count(*) FROM audit_log"));
        }

        Assert.Equal(batches.Count, await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE driver_id = $1", driver));
        Assert.Equal(day.Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));
    }

    private static async Task<Telematics.Service.Ingest.EventStreamResult> IngestAsync(Book book, long driver, Guid batchId, Telematics.Features.Samples.SampleBuffer samples)
    {
        // A copy: the pipeline rewrites a chunk in place.
        var copy = new Telematics.Features.Samples.SampleBuffer(samples.Count);
        copy.AddRange(samples);
        var bytes = await TlmsAsync(copy);
        await using var reader = Telematics.Features.Ingest.Binary.BinarySampleReader.FromStream(new MemoryStream(bytes));
        return await book.Ingestor.IngestBatchAsync(driver, batchId, reader, TimeZoneInfo.Utc, Book.Actor);
    }

    private static async Task<byte[]> TlmsAsync(Telematics.Features.Samples.SampleBuffer samples)
    {
        using var stream = new MemoryStream();
        await using (var writer = Telematics.Features.Ingest.Binary.BinarySampleWriter.FromStream(stream, leaveOpen: true))
        {
            await writer.WriteAsync(samples);
            await writer.CompleteAsync();
        }

        return stream.ToArray();
    }
}
