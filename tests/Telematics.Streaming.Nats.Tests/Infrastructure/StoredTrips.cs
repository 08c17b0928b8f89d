using Telematics.Features.Samples;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>What a streamed ingest must have stored: each event once, and each driver's trips those of a direct upload of its day.</summary>
internal static class StoredTrips
{
    /// <summary>
    /// Asserts every event of <paramref name="days"/> is stored once and each driver's trips equal one direct upload of its
    /// whole day, which makes at least <paramref name="tripsPerDay"/> trips.
    /// </summary>
    public static async Task AssertExactlyOnceAndSameAsDirectAsync(Book book, long[] ids, SampleBuffer[] days, string zone, int tripsPerDay)
    {
        var counts = await book.EventCountsAsync();
        Assert.Equal(days.Sum(d => (long)d.Count), counts.Values.Sum());
        for (var d = 0; d < days.Length; d++)
        {
            Assert.Equal(days[d].Count, counts.GetValueOrDefault(ids[d]));
        }

        // Duplicate rows would be refused by the key; the count per key says no event was merged twice under another key.
        Assert.Equal(0, await book.ScalarAsync(
            "SELECT count(*) FROM (SELECT 1 FROM telematics_events GROUP BY driver_id, event_id HAVING count(*) > 1) twice"));

        var direct = new PostgresDatabase();
        await direct.InitializeAsync();
        try
        {
            var reference = await Book.OpenAsync(direct);
            var referenceIds = await reference.CreateDriversAsync(days.Length);
            var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone);
            await Parallel.ForAsync(0, days.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (d, cancellationToken) =>
            {
                // A copy: the pipeline rewrites a chunk in place.
                var day = new SampleBuffer(days[d].Count);
                day.AddRange(days[d]);
                await reference.Ingestor.IngestChunksAsync(referenceIds[d], [day], timeZone, Book.Actor, null, cancellationToken);
            });

            var streamed = await book.TripsAsync();
            var expected = await reference.TripsAsync();
            for (var d = 0; d < days.Length; d++)
            {
                Assert.True(expected[referenceIds[d]].Count >= tripsPerDay, $"driver {d}: the reference made {expected[referenceIds[d]].Count} trips");
                Assert.Equal(expected[referenceIds[d]], streamed.GetValueOrDefault(ids[d]) ?? []);
            }
        }
        finally
        {
            await direct.DisposeAsync();
        }
    }
}
