using Npgsql;

using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Trips;

public sealed class TripRepositoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 2, 1, 7, 30, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private TripRepository Trips => new(database.DataSource, TimeProvider.System);

    private async Task<long> NewDriverAsync(string reference) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;

    private static float[] Vector(float seed) => Enumerable.Range(0, TripRepository.FeatureCount).Select(i => seed + (i / 100f)).ToArray();

    private static TripRecord Trip(long driverId, DateTimeOffset start) => new(driverId, null, start, start.AddMinutes(25), 14.2, 1500, 1, 0, 2);

    [Fact]
    public async Task A_closed_trip_is_stored_once_and_its_features_read_back_exactly()
    {
        var driver = await NewDriverAsync("trip-1");
        var id = await Trips.WriteClosedTripAsync(Trip(driver, Start), Vector(1.5f), Actor);
        Assert.Equal(id, await Trips.WriteClosedTripAsync(Trip(driver, Start), Vector(9f), Actor));

        var matrix = await Trips.ReadDriverTripFeaturesAsync(driver, Start.AddDays(-1), Start.AddDays(1));

        Assert.Equal(1, matrix.Count);
        Assert.Equal(id, matrix.TripIds[0]);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), matrix.StartedAtUnixMs[0]);
        Assert.Equal(Vector(1.5f), matrix.GetFeatures(0).ToArray());
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trip.close' AND resource = 'driver/{driver}/trip/{id}'"));
    }

    [Fact]
    public async Task A_vector_of_the_wrong_length_is_refused_naming_the_expected_size()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripAsync(Trip(1, Start), new float[5], Actor));
        Assert.Contains("29", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_reads_include_the_start_and_exclude_the_end()
    {
        var driver = await NewDriverAsync("trip-2");
        for (var day = 0; day < 5; day++)
        {
            await Trips.WriteClosedTripAsync(Trip(driver, Start.AddDays(day)), Vector(day), Actor);
        }

        var matrix = await Trips.ReadDriverTripFeaturesAsync(driver, Start.AddDays(1), Start.AddDays(3));
        Assert.Equal(2, matrix.Count);
        Assert.Equal(1f, matrix.GetFeatures(0)[0]);
        Assert.Equal(2f, matrix.GetFeatures(1)[0]);
    }

    [Fact]
    public async Task Batch_reads_for_many_drivers_return_the_same_rows_as_per_driver_reads()
    {
        var drivers = new List<long>();
        for (var d = 0; d < 30; d++)
        {
            var driver = await NewDriverAsync($"batch-{d}");
            drivers.Add(driver);
            for (var t = 0; t < d % 4; t++)
            {
                await Trips.WriteClosedTripAsync(Trip(driver, Start.AddHours(t)), Vector(d + (t / 10f)), Actor);
            }
        }

        var wanted = drivers.Where((_, i) => i % 2 == 0).ToArray();
        var batch = await Trips.ReadTripFeaturesForDriversAsync(wanted, Start, Start.AddDays(1));

        var expected = 0;
        var row = 0;
        foreach (var driver in wanted.Order())
        {
            var single = await Trips.ReadDriverTripFeaturesAsync(driver, Start, Start.AddDays(1));
            for (var i = 0; i < single.Count; i++, row++)
            {
                Assert.Equal(driver, batch.DriverIds[row]);
                Assert.Equal(single.TripIds[i], batch.TripIds[row]);
                Assert.Equal(single.GetFeatures(i).ToArray(), batch.GetFeatures(row).ToArray());
            }

            expected += single.Count;
        }

        Assert.Equal(expected, batch.Count);
        Assert.True(expected > 10);
    }

    [Fact]
    public async Task A_trip_of_an_unknown_driver_fails_and_writes_no_audit_row()
    {
        var before = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");
        var error = await Assert.ThrowsAsync<PostgresException>(() => Trips.WriteClosedTripAsync(Trip(987_654, Start), Vector(0), Actor));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(before, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
    }
}
