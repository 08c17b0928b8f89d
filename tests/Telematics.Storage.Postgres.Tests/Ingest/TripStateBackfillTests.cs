using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;

namespace Telematics.Storage.Postgres.Tests.Ingest;

public sealed class TripStateBackfillTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 6, 2, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    // A driver (in Europe/Paris, so that local time matters) with three trips posted in two uploads, the second cutting one trip in two.
    private async Task<long> DriverWithTripsAsync(string reference)
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(
            new NewDriver(reference + "-" + Guid.NewGuid().ToString("N"), "Driver") { TimeZone = "Europe/Paris" }, Actor, CancellationToken.None)).DriverId;
        var lines = Lines(Day.AddHours(6)).Concat(Lines(Day.AddHours(21.5), 1_001, 1.2)).Concat(Lines(Day.AddDays(1).AddHours(12), 2_001, 0.8)).ToArray();
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        foreach (var part in new[] { lines[..1_200], lines[1_200..] })
        {
            var body = System.Text.Encoding.UTF8.GetBytes(Header + "\n" + string.Join('\n', part) + "\n");
            await using var reader = Telematics.Features.Ingest.Csv.CsvSampleReader.Create(System.IO.Pipelines.PipeReader.Create(new MemoryStream(body)));
            await ingestor.IngestAsync(driver, reader, zone, Actor);
        }

        return driver;
    }

    private async Task<List<(long TripId, byte[]? State, float[] Features)>> TripsAsync(long driver)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT trip_id, state, features FROM trips WHERE driver_id = {driver} ORDER BY started_at");
        var rows = new List<(long, byte[]?, float[])>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<float[]>(2)));
        }

        return rows;
    }

    [Fact]
    public async Task Trips_stored_before_states_get_the_state_their_upload_gave_them_batch_by_batch()
    {
        var driver = await DriverWithTripsAsync("backfill");
        var original = await TripsAsync(driver);
        Assert.Equal(3, original.Count);
        Assert.All(original, trip => Assert.NotNull(trip.State));
        await ExecuteAsync(database.DataSource, $"UPDATE trips SET state = NULL WHERE driver_id = {driver}");
        var trips = new TripRepository(database.DataSource, TimeProvider.System);
        Assert.NotNull((await trips.ReadDriverVectorAsync(driver, Day, Day.AddDays(2))).Problems[0]);

        var backfill = new TripStateBackfill(database.DataSource, new TripStateBackfillOptions { BatchSize = 2 }, TimeProvider.System);
        var report = await backfill.RunAsync(Actor);

        var rebuilt = await TripsAsync(driver);
        Assert.Equal(3, report.Rebuilt);
        Assert.Equal(0, report.Changed);
        Assert.Equal(0, report.Unrecoverable);
        Assert.True(report.Batches >= 2);
        for (var i = 0; i < original.Count; i++)
        {
            Assert.Equal(original[i].State, rebuilt[i].State);
            Assert.Equal(original[i].Features, rebuilt[i].Features);
        }

        Assert.Null((await trips.ReadDriverVectorAsync(driver, Day, Day.AddDays(2))).Problems[0]);
        Assert.True(await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trips.backfill' AND resource = 'driver/{driver}'") >= 2);
        Assert.Equal(0, (await backfill.RunAsync(Actor)).Rebuilt);
    }

    [Fact]
    public async Task A_trip_whose_events_are_gone_is_counted_unrecoverable_and_keeps_no_state()
    {
        var driver = await DriverWithTripsAsync("backfill-lost");
        var original = await TripsAsync(driver);
        await ExecuteAsync(database.DataSource, $"UPDATE trips SET state = NULL WHERE driver_id = {driver}");
        await ExecuteAsync(database.DataSource, $"DELETE FROM telematics_events WHERE driver_id = {driver} AND ts >= '{Day.AddDays(1):O}'");

        var report = await new TripStateBackfill(database.DataSource, null, TimeProvider.System).RunAsync(Actor);

        var rebuilt = await TripsAsync(driver);
        Assert.Equal(1, report.Unrecoverable);
        Assert.Equal(original[0].State, rebuilt[0].State);
        Assert.Equal(original[1].State, rebuilt[1].State);
        Assert.Null(rebuilt[2].State);
        var problem = (await new TripRepository(database.DataSource, TimeProvider.System).ReadDriverVectorAsync(driver, Day, Day.AddDays(2))).Problems[0];
        Assert.Contains($"Trip {original[2].TripId}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_rebuilds_nothing_writes_no_audit_row_however_often_it_finds_the_lost_trips()
    {
        var driver = await DriverWithTripsAsync("backfill-all-lost");
        await ExecuteAsync(database.DataSource, $"UPDATE trips SET state = NULL WHERE driver_id = {driver}");
        await ExecuteAsync(database.DataSource, $"DELETE FROM telematics_events WHERE driver_id = {driver}");
        var backfill = new TripStateBackfill(database.DataSource, null, TimeProvider.System);

        TripStateBackfillReport first, second;
        try
        {
            first = await backfill.RunAsync(Actor);
            second = await backfill.RunAsync(Actor);
        }
        finally
        {
            // Out of the way of the other tests, which count what a run finds in the shared database.
            await ExecuteAsync(database.DataSource, $"DELETE FROM trips WHERE driver_id = {driver}");
        }

        // At least this driver's three (the class shares its database: another test's lost trip may be found too).
        Assert.True(first.Unrecoverable >= 3 && second.Unrecoverable == first.Unrecoverable);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trips.backfill' AND resource = 'driver/{driver}'"));
    }
}
