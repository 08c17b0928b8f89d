using Npgsql;

using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Pipeline;
using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;

namespace Telematics.Storage.Postgres.Tests.Trips;

/// <summary>Phone manoeuvres stored with their trips (migration 0021): same transaction, same fate as the trip.</summary>
public sealed class TripManoeuvreStorageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private TripRepository Trips => new(database.DataSource, TimeProvider.System);

    private async Task<long> NewDriverAsync(string prefix) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(prefix + "-" + Guid.NewGuid().ToString("N"), "Driver " + prefix, Actor)).DriverId;

    /// <summary>Two 15-minute trips an hour apart; the phone covers both and found manoeuvres in each, one between them.</summary>
    private static (List<TripFeatures> Trips, ImuTripEvidence Imu) TwoPhoneTrips(float firstBrakingPeakMps2 = 4.2f)
    {
        var t0 = Start.ToUnixTimeMilliseconds();
        var t1 = Start.AddHours(1).ToUnixTimeMilliseconds();
        var imu = new ImuTripEvidence();
        imu.AddCoverage(t0, t0 + 900_000);
        imu.AddManoeuvre(ManoeuvreKind.HarshBraking, t0 + 100_000, t0 + 102_000, t0 + 101_000, firstBrakingPeakMps2, firstBrakingPeakMps2 / 3.4f);
        imu.AddManoeuvre(ManoeuvreKind.HarshLeftTurn, t0 + 300_000, t0 + 304_000, t0 + 302_000, 4.9f, 4.9f / 3.9f);
        imu.AddHandling(t0 + 400_000, t0 + 415_000, 2.4f, remounted: false);
        imu.AddManoeuvre(ManoeuvreKind.HarshAcceleration, t0 + 1_800_000, t0 + 1_802_000, t0 + 1_801_000, 3.8f, 3.8f / 3.4f); // parked: no trip
        imu.AddCoverage(t1, t1 + 900_000);
        imu.AddManoeuvre(ManoeuvreKind.AggressiveRightLaneChange, t1 + 200_000, t1 + 202_500, t1 + 201_000, 3.1f, 3.1f / 2.5f);
        imu.AddHandling(t1 + 500_000, t1 + 530_000, 3.0f, remounted: true);
        var pipeline = new DriverFeaturePipeline(TimeZoneInfo.Utc) { Imu = imu };
        var trips = new List<TripFeatures>(pipeline.Push(Samples(Start, 900)));
        trips.AddRange(pipeline.Push(Samples(Start.AddHours(1), 900, firstEventId: 10_000)));
        trips.AddRange(pipeline.Complete());
        Assert.Equal(2, trips.Count);
        return (trips, imu);
    }

    private async Task<long[]> TripIdsAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT trip_id FROM trips WHERE driver_id = $1 ORDER BY started_at");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    [Fact]
    public async Task Each_trip_keeps_the_manoeuvres_and_handling_that_started_within_it_and_its_counts_agree()
    {
        var driver = await NewDriverAsync("imu-store");
        var (trips, imu) = TwoPhoneTrips();

        var stored = await Trips.WriteClosedTripsWithImuAsync(driver, trips, imu, Actor);
        var again = await Trips.WriteClosedTripsWithImuAsync(driver, trips, imu, Actor);

        Assert.Equal((2, 0), (stored, again));
        var ids = await TripIdsAsync(driver);
        var reader = new TripReader(database.DataSource);
        var first = await reader.ReadManoeuvresAsync(ids[0]);
        var second = await reader.ReadManoeuvresAsync(ids[1]);
        Assert.Equal(["harsh_braking", "harsh_left_turn", "phone_handling"], first.Select(m => m.Kind));
        Assert.Equal(["aggressive_right_lane_change", "phone_handling"], second.Select(m => m.Kind));
        Assert.Equal(Start.AddSeconds(101), first[0].PeakAt);
        Assert.Equal(4.2f, first[0].PeakMps2);
        Assert.Null(first[0].Remounted);
        Assert.Equal((null, null, 2.4f, false), (first[2].PeakAt, first[2].Severity, first[2].PeakRotationRadS, first[2].Remounted));
        Assert.True(second[1].Remounted);

        // The trip rows count what the features counted: the lane change under 0.4 g is stored but not harsh cornering.
        var firstTrip = await reader.GetAsync(ids[0]);
        var secondTrip = await reader.GetAsync(ids[1]);
        Assert.Equal((1, 0, 1), (firstTrip!.HarshBrakeCount, firstTrip.RapidAccelerationCount, firstTrip.HarshCorneringCount));
        Assert.Equal((0, 0, 0), (secondTrip!.HarshBrakeCount, secondTrip.RapidAccelerationCount, secondTrip.HarshCorneringCount));
        Assert.Equal(5, await ScalarAsync(database.DataSource, $"SELECT (after->>'manoeuvres')::bigint FROM audit_log WHERE action = 'trips.close' AND resource = 'driver/{driver}'"));
    }

    [Fact]
    public async Task A_manoeuvre_the_table_refuses_stores_neither_it_nor_its_trips()
    {
        var driver = await NewDriverAsync("imu-refused");
        var (trips, imu) = TwoPhoneTrips(firstBrakingPeakMps2: 60f); // 6 g: beyond the CHECK of 5 g

        var e = await Assert.ThrowsAsync<PostgresException>(() => Trips.WriteClosedTripsWithImuAsync(driver, trips, imu, Actor));

        Assert.Equal(PostgresErrorCodes.CheckViolation, e.SqlState);
        Assert.Empty(await TripIdsAsync(driver));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task Deleting_a_trip_or_erasing_its_driver_removes_its_manoeuvres()
    {
        var driver = await NewDriverAsync("imu-cascade");
        var (trips, imu) = TwoPhoneTrips();
        await Trips.WriteClosedTripsWithImuAsync(driver, trips, imu, Actor);
        var ids = await TripIdsAsync(driver);

        await ExecuteAsync(database.DataSource, $"DELETE FROM trips WHERE trip_id = {ids[0]}");
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE trip_id = {ids[0]}"));
        Assert.Equal(2, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE trip_id = {ids[1]}"));

        await new DriverRepository(database.DataSource, TimeProvider.System).EraseAsync(driver, Actor);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_continued_trip_that_is_replaced_takes_its_manoeuvres_with_it()
    {
        var driver = await NewDriverAsync("imu-continued");
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        var lines = Lines(Start);
        await PostAsync(ingestor, driver, lines[..400]);
        var opened = Assert.Single(await TripIdsAsync(driver));
        await ExecuteAsync(database.DataSource,
            "INSERT INTO trip_manoeuvres (driver_id, trip_id, kind, started_at, ended_at, peak_at, peak_mps2, severity) " +
            $"SELECT driver_id, trip_id, 'harsh_braking', started_at + interval '60 s', started_at + interval '62 s', started_at + interval '61 s', 4.5, 1.3 FROM trips WHERE trip_id = {opened}");

        var continued = await PostAsync(ingestor, driver, lines[400..]);

        Assert.Equal(opened, continued.ContinuedTripId);
        Assert.DoesNotContain(opened, await TripIdsAsync(driver));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trip_manoeuvres WHERE trip_id = {opened}"));
    }
}
