using Telematics.Features.Pipeline;
using Telematics.Features.Schema;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Ingest;

public sealed class EventIngestSessionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset March = new(2026, 3, 30, 22, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> NewDriverAsync(string reference) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;

    private Task<long> EventsOf(long driverId) =>
        ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driverId}");

    private Task<long> TripsOf(long driverId) =>
        ScalarAsync(database.DataSource, $"SELECT count(*) FROM trips WHERE driver_id = {driverId}");

    // A measured trip on the day of start, with 20 harsh brakes per 100 km.
    private static TripFeatures Trip(DateTimeOffset start, double km) => MeasuredTrips.Create(start, km, 20 / 60.0, harshBrakingPer100Km: 20);

    [Fact]
    public async Task Chunks_across_two_months_and_their_trips_are_stored_together_at_commit()
    {
        var driver = await NewDriverAsync("session-1");
        var ingestor = NewIngestor(database);

        SessionIngestResultView result;
        await using (var session = await ingestor.BeginSessionAsync(driver, Actor))
        {
            await session.AppendAsync(Samples(March, 3000));
            await session.AppendAsync(Samples(March.AddSeconds(3000), 3000, firstEventId: 3001));
            session.AddTrip(Trip(March, 10));
            Assert.Equal(0, await EventsOf(driver));
            var committed = await session.CommitAsync();
            result = new(committed.Received, committed.Stored, committed.TripsStored);
        }

        Assert.Equal(new SessionIngestResultView(6000, 6000, 1), result);
        Assert.Equal(6000, await EventsOf(driver));
        Assert.Equal(2, await ScalarAsync(database.DataSource, $"SELECT harsh_brake_count FROM trips WHERE driver_id = {driver}"));
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'events.ingest' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task An_upload_has_one_audit_row_naming_its_trips_and_a_resent_upload_has_none()
    {
        var driver = await NewDriverAsync("session-audit");
        var ingestor = NewIngestor(database);
        async Task UploadAsync()
        {
            await using var session = await ingestor.BeginSessionAsync(driver, Actor);
            await session.AppendAsync(Samples(March, 3000));
            session.AddTrip(Trip(March, 10));
            session.AddTrip(Trip(March.AddDays(1), 4));
            await session.CommitAsync();
        }

        await UploadAsync();
        var rows = await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource = 'driver/{driver}' OR resource LIKE 'driver/{driver}/%'");
        await UploadAsync();

        Assert.Equal(2, await TripsOf(driver));
        Assert.Equal(2, await ScalarAsync(database.DataSource,
            $"SELECT (after->>'last_trip_id')::bigint - (after->>'first_trip_id')::bigint + 1 FROM audit_log WHERE action = 'events.ingest' AND resource = 'driver/{driver}'"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trip.close' AND resource LIKE 'driver/{driver}/%'"));
        // The second upload stored no event and no trip: the log is as it was.
        Assert.Equal(rows, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource = 'driver/{driver}' OR resource LIKE 'driver/{driver}/%'"));
    }

    [Fact]
    public async Task A_session_disposed_after_a_late_chunk_fails_stores_nothing_of_any_chunk()
    {
        var driver = await NewDriverAsync("session-2");
        var ingestor = NewIngestor(database);

        await using (var session = await ingestor.BeginSessionAsync(driver, Actor))
        {
            for (var chunk = 0; chunk < 5; chunk++)
            {
                await session.AppendAsync(Samples(March.AddSeconds(chunk * 1000), 1000, firstEventId: 1 + (chunk * 1000)));
            }

            session.AddTrip(Trip(March, 5));

            // The caller's reader fails on the sixth chunk: it disposes without committing.
        }

        Assert.Equal(0, await EventsOf(driver));
        Assert.Equal(0, await TripsOf(driver));
    }

    [Fact]
    public async Task Re_sending_an_upload_counts_every_event_and_trip_as_already_stored()
    {
        var driver = await NewDriverAsync("session-3");
        var ingestor = NewIngestor(database);
        await IngestOnceAsync();

        var again = await IngestOnceAsync();

        Assert.Equal(2000, again.Received);
        Assert.Equal(0, again.Stored);
        Assert.Equal(2000, again.Duplicates);
        Assert.Equal(0, again.TripsStored);
        Assert.Equal(2000, await EventsOf(driver));
        Assert.Equal(1, await TripsOf(driver));

        async Task<SessionIngestResult> IngestOnceAsync()
        {
            await using var session = await ingestor.BeginSessionAsync(driver, Actor);
            await session.AppendAsync(Samples(March, 1000));
            await session.AppendAsync(Samples(March.AddSeconds(1000), 1000, firstEventId: 1001));
            session.AddTrip(Trip(March, 3));
            return await session.CommitAsync();
        }
    }

    [Fact]
    public async Task Events_repeated_inside_one_upload_are_stored_once()
    {
        var driver = await NewDriverAsync("session-4");
        await using var session = await NewIngestor(database).BeginSessionAsync(driver, Actor);
        await session.AppendAsync(Samples(March, 500));
        await session.AppendAsync(Samples(March, 500));

        var result = await session.CommitAsync();

        Assert.Equal(500, result.Stored);
        Assert.Equal(500, result.Duplicates);
        Assert.Equal(500, await EventsOf(driver));
    }

    [Fact]
    public async Task A_one_chunk_upload_overlapping_stored_events_stores_only_the_new_ones_and_repeats_inside_it_once()
    {
        var driver = await NewDriverAsync("session-one-chunk");
        var ingestor = NewIngestor(database);
        await using (var first = await ingestor.BeginSessionAsync(driver, Actor))
        {
            await first.AppendAsync(Samples(March, 300));
            Assert.Equal(300, (await first.CommitAsync()).Stored);
        }

        // One chunk: 200 stored events, 100 new ones, and 50 of the new ones twice. The direct COPY meets the stored
        // events, so the chunk is merged instead; nothing of the failed COPY stays.
        var chunk = Samples(March.AddSeconds(100), 300, firstEventId: 101);
        chunk.AddRange(Samples(March.AddSeconds(300), 50, firstEventId: 301));
        await using (var second = await ingestor.BeginSessionAsync(driver, Actor))
        {
            await second.AppendAsync(chunk);
            var result = await second.CommitAsync();
            Assert.Equal(350, result.Received);
            Assert.Equal(100, result.Stored);
        }

        Assert.Equal(400, await EventsOf(driver));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM (SELECT 1 FROM telematics_events WHERE driver_id = {driver} GROUP BY ts, event_id HAVING count(*) > 1) twice"));
        Assert.Equal(2, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'events.ingest' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task A_committed_session_refuses_more_chunks()
    {
        var driver = await NewDriverAsync("session-5");
        await using var session = await NewIngestor(database).BeginSessionAsync(driver, Actor);
        await session.CommitAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.AppendAsync(Samples(March, 1)));
    }

    private readonly record struct SessionIngestResultView(long Received, long Stored, int TripsStored);
}
