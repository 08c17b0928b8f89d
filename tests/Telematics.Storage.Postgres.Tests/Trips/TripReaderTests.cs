using Npgsql;

using Telematics.Features.Schema;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Trips;

public sealed class TripReaderTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly int Speed = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.MeanSpeedKmh);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private TripReader Reader => new(database.DataSource);

    private async Task<long> DriverWithTripsAsync(string reference, params (int Day, double Km, float SpeedKmh)[] trips)
    {
        var driver = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;
        var repository = new TripRepository(database.DataSource, TimeProvider.System);
        foreach (var (day, km, speed) in trips)
        {
            // Two harsh brakes in every trip, whatever its length.
            await repository.WriteClosedTripAsync(driver, MeasuredTrips.Create(Start.AddDays(day), km, km / speed, harshBrakingPer100Km: 200 / km), Actor);
        }

        return driver;
    }

    [Fact]
    public async Task A_trip_reads_back_with_its_vector_and_an_unknown_id_is_null()
    {
        var driver = await DriverWithTripsAsync("reader-one", (0, 12.5, 40));
        var id = (await Reader.ListAsync(driver, Start.AddDays(-1), Start.AddDays(1), 1, 10))[0].TripId;

        var trip = await Reader.GetAsync(id);

        Assert.NotNull(trip);
        Assert.Equal(driver, trip.DriverId);
        Assert.Equal(12.5, trip.DistanceKm, 1);
        Assert.Equal(2, trip.HarshBrakeCount);
        Assert.Equal(40f, trip.Features![Speed], 0.5f);
        Assert.Null(await Reader.GetAsync(long.MaxValue));
    }

    [Fact]
    public async Task Lists_are_newest_first_paged_and_limited_to_the_period()
    {
        var driver = await DriverWithTripsAsync("reader-list", (0, 1, 30), (1, 2, 30), (2, 3, 30), (5, 4, 30));

        var first = await Reader.ListAsync(driver, Start, Start.AddDays(3), 1, 2);
        var second = await Reader.ListAsync(driver, Start, Start.AddDays(3), 2, 2);

        Assert.Equal([3.0, 2.0], first.Select(t => Math.Round(t.DistanceKm)));
        Assert.Equal([1.0], second.Select(t => Math.Round(t.DistanceKm)));
        Assert.All(first, t => Assert.Null(t.Features));
    }

    [Fact]
    public async Task Totals_are_grouped_by_utc_month()
    {
        var driver = await DriverWithTripsAsync("reader-months", (0, 10, 30), (1, 5, 30), (3, 7, 30));

        var months = await Reader.TotalsByMonthAsync(driver, Start.AddDays(-5), Start.AddDays(30));

        Assert.Equal(2, months.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), months[0].MonthStart);
        Assert.Equal(2, months[0].TripCount);
        Assert.Equal(15, months[0].DistanceKm, 1);
        Assert.Equal(0.5, months[0].DrivingHours, 3);
        Assert.Equal(4, months[0].HarshBrakeCount);
        Assert.Equal(7, months[1].DistanceKm, 1);
    }

    [Fact]
    public async Task Feature_means_weight_trips_by_distance_and_leave_missing_values_out()
    {
        var driver = await DriverWithTripsAsync("reader-means", (0, 30, 90), (1, 10, 50));
        var unknown = await DriverWithTripsAsync("reader-means-nan");
        await using (var row = database.DataSource.CreateCommand(
            "INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, feature_schema, feature_version, features) " +
            "VALUES ($1, $2, $2, 5, 10, 0, 0, 0, 'telematics', 1, array_fill('NaN'::real, ARRAY[29]))"))
        {
            row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = unknown });
            row.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Start.UtcDateTime });
            await row.ExecuteNonQueryAsync();
        }

        var means = await Reader.FeatureMeansAsync(driver, Start, Start.AddDays(2));
        var missing = await Reader.FeatureMeansAsync(unknown, Start, Start.AddDays(2));
        var population = await Reader.FeatureMeansAsync(null, Start, Start.AddDays(2));

        Assert.Equal(80f, means[Speed], 0.1f);
        Assert.True(float.IsNaN(missing[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)]));
        Assert.False(float.IsNaN(population[Speed]));
    }

    [Fact]
    public async Task A_drivers_trip_queries_use_the_driver_start_index()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using (var setting = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await setting.ExecuteNonQueryAsync();
        }

        foreach (var query in new[]
        {
            "SELECT trip_id FROM trips WHERE driver_id = 7 AND started_at >= '2026-01-01' AND started_at < '2026-02-01' ORDER BY started_at DESC LIMIT 50 OFFSET 0",
            "SELECT date_trunc('month', started_at AT TIME ZONE 'UTC'), count(*) FROM trips WHERE driver_id = 7 AND started_at >= '2026-01-01' AND started_at < '2026-02-01' GROUP BY 1",
        })
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + query, connection);
            var plan = string.Join('\n', await ReadLinesAsync(explain));
            Assert.Contains("trips_driver_id_started_at_key", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<List<string>> ReadLinesAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
