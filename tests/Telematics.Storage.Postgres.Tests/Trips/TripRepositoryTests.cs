using Npgsql;

using Telematics.Features.Aggregation;
using Telematics.Features.Pipeline;
using Telematics.Features.Schema;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Trips;

public sealed class TripRepositoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private TripRepository Trips => new(database.DataSource, TimeProvider.System);

    private async Task<long> NewDriverAsync(string reference) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "Driver " + reference, Actor)).DriverId;

    // Trips that differ in length, speed, night share and braking, so that a wrong combination shows.
    private static TripFeatures Trip(int day, int variant = 0) =>
        MeasuredTrips.Create(Start.AddDays(day), 6 + (variant % 5 * 7.3), 0.2 + (variant % 3 * 0.25), nightShare: variant % 4 * 0.2, harshBrakingPer100Km: variant % 3 * 4);

    [Fact]
    public async Task A_closed_trip_is_stored_once_with_its_features_and_state()
    {
        var driver = await NewDriverAsync("trip-1");
        var trip = Trip(0, 4);
        var id = await Trips.WriteClosedTripAsync(driver, trip, Actor);
        var other = Trip(0, 8);
        Assert.Equal(trip.StartUnixMs, other.StartUnixMs);
        Assert.Equal(id, await Trips.WriteClosedTripAsync(driver, other, Actor));

        var matrix = await Trips.ReadDriverTripFeaturesAsync(driver, Start.AddDays(-1), Start.AddDays(1));

        Assert.Equal(1, matrix.Count);
        Assert.Equal(id, matrix.TripIds[0]);
        Assert.Equal(trip.StartUnixMs, matrix.StartedAtUnixMs[0]);
        Assert.Equal(trip.Features.ToArray(), matrix.GetFeatures(0).ToArray());
        await using var state = database.DataSource.CreateCommand($"SELECT state FROM trips WHERE trip_id = {id}");
        Assert.Equal(trip.State.ToArray(), (byte[])(await state.ExecuteScalarAsync())!);
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'trip.close' AND resource = 'driver/{driver}/trip/{id}'"));
    }

    [Fact]
    public async Task Many_trips_are_stored_in_one_transaction_with_one_audit_row_and_again_store_nothing()
    {
        var driver = await NewDriverAsync("trip-many");
        // More than one round trip of inserts, one of them already stored by the single-trip path.
        var trips = Enumerable.Range(0, TripRepository.TripsPerBatch + 44).Select(i => Trip(i, i)).ToList();
        var single = await Trips.WriteClosedTripAsync(driver, trips[7], Actor);
        var audit = $"SELECT count(*) FROM audit_log WHERE resource = 'driver/{driver}' AND action = 'trips.close'";

        var stored = await Trips.WriteClosedTripsAsync(driver, trips, Actor);
        var again = await Trips.WriteClosedTripsAsync(driver, trips, Actor);

        Assert.Equal(trips.Count - 1, stored);
        Assert.Equal(0, again);
        Assert.Equal(1, await ScalarAsync(database.DataSource, audit));
        Assert.Equal(trips.Count, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trips WHERE driver_id = {driver}"));
        var matrix = await Trips.ReadDriverTripFeaturesAsync(driver, Start.AddDays(-1), Start.AddDays(trips.Count + 1));
        Assert.Equal(trips.Select(t => t.Features.ToArray()), Enumerable.Range(0, matrix.Count).Select(i => matrix.GetFeatures(i).ToArray()));
        Assert.Contains(single, matrix.TripIds.ToArray());
    }

    [Fact]
    public async Task A_bad_trip_among_many_stores_none_of_them()
    {
        var driver = await NewDriverAsync("trip-many-bad");
        List<TripFeatures> trips = [Trip(0, 1), Trip(1, 2) with { State = default }, Trip(2, 3)];

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripsAsync(driver, trips, Actor));

        Assert.Equal("trips[1]", error.ParamName);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM trips WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_trip_without_a_state_or_whose_vector_is_not_its_states_is_refused_by_name()
    {
        var trip = Trip(0, 1);
        var noState = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripAsync(1, trip with { State = default }, Actor));
        Assert.Contains("no state", noState.Message, StringComparison.Ordinal);

        var shortVector = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripAsync(1, trip with { Features = new float[5] }, Actor));
        Assert.Contains("29", shortVector.Message, StringComparison.Ordinal);

        var edited = trip.Features.ToArray();
        edited[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] += 0.25f;
        var mismatch = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripAsync(1, trip with { Features = edited }, Actor));
        Assert.Contains("'night_share'", mismatch.Message, StringComparison.Ordinal);

        var two = new DriverAggregate();
        two.AddState(trip.State.Span);
        two.AddState(trip.State.Span);
        var twoTrips = await Assert.ThrowsAsync<ArgumentException>(() => Trips.WriteClosedTripAsync(1, trip with { State = two.ToState() }, Actor));
        Assert.Contains("holds 2 trips", twoTrips.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Period_reads_include_the_start_and_exclude_the_end()
    {
        var driver = await NewDriverAsync("trip-2");
        var trips = Enumerable.Range(0, 5).Select(day => Trip(day, day)).ToArray();
        foreach (var trip in trips)
        {
            await Trips.WriteClosedTripAsync(driver, trip, Actor);
        }

        var matrix = await Trips.ReadDriverTripFeaturesAsync(driver, Start.AddDays(1), Start.AddDays(3));
        Assert.Equal(2, matrix.Count);
        Assert.Equal(trips[1].Features.ToArray(), matrix.GetFeatures(0).ToArray());
        Assert.Equal(trips[2].Features.ToArray(), matrix.GetFeatures(1).ToArray());
    }

    [Fact]
    public async Task A_drivers_vector_is_the_pipeline_aggregate_of_its_trips_bit_for_bit()
    {
        var driver = await NewDriverAsync("trip-vector");
        var expected = new DriverAggregate();
        for (var day = 0; day < 6; day++)
        {
            var trip = Trip(day, day + 1);
            expected.AddState(trip.State.Span);
            await Trips.WriteClosedTripAsync(driver, trip, Actor);
        }

        var single = await Trips.ReadDriverVectorAsync(driver, Start, Start.AddDays(6));
        var batch = await Trips.ReadDriverVectorsAsync(new[] { driver }, Start, Start.AddDays(6));

        var vector = new float[TelematicsFeatures.Schema.Count];
        expected.WriteFeatures(vector);
        Assert.Equal(1, single.Count);
        Assert.Equal(6, single.TripCounts[0]);
        Assert.Null(single.Problems[0]);
        Assert.Equal(Bits(vector), Bits(single.GetFeatures(0)));
        Assert.Equal(Bits(vector), Bits(batch.GetFeatures(0)));
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
                await Trips.WriteClosedTripAsync(driver, Trip(t, d + t), Actor);
            }
        }

        var wanted = drivers.Where((_, i) => i % 2 == 0).ToArray();
        var batch = await Trips.ReadTripFeaturesForDriversAsync(wanted, Start, Start.AddDays(4));
        var vectors = await Trips.ReadDriverVectorsAsync(wanted, Start, Start.AddDays(4));

        var expected = 0;
        var row = 0;
        var vectorRow = 0;
        foreach (var driver in wanted.Order())
        {
            var single = await Trips.ReadDriverTripFeaturesAsync(driver, Start, Start.AddDays(4));
            for (var i = 0; i < single.Count; i++, row++)
            {
                Assert.Equal(driver, batch.DriverIds[row]);
                Assert.Equal(single.TripIds[i], batch.TripIds[row]);
                Assert.Equal(single.GetFeatures(i).ToArray(), batch.GetFeatures(row).ToArray());
            }

            var one = await Trips.ReadDriverVectorAsync(driver, Start, Start.AddDays(4));
            if (single.Count > 0)
            {
                Assert.Equal(driver, vectors.DriverIds[vectorRow]);
                Assert.Equal(single.Count, vectors.TripCounts[vectorRow]);
                Assert.Equal(Bits(one.GetFeatures(0)), Bits(vectors.GetFeatures(vectorRow)));
                vectorRow++;
            }
            else
            {
                Assert.Equal(0, one.Count);
            }

            expected += single.Count;
        }

        Assert.Equal(expected, batch.Count);
        Assert.Equal(vectorRow, vectors.Count);
        Assert.True(expected > 10);
    }

    [Fact]
    public async Task A_driver_with_a_trip_without_state_gets_a_problem_instead_of_a_partial_vector()
    {
        var driver = await NewDriverAsync("trip-legacy");
        await Trips.WriteClosedTripAsync(driver, Trip(0, 1), Actor);
        var legacy = await Trips.WriteClosedTripAsync(driver, Trip(1, 2), Actor);
        await using (var clear = database.DataSource.CreateCommand($"UPDATE trips SET state = NULL WHERE trip_id = {legacy}"))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var vectors = await Trips.ReadDriverVectorsAsync(new[] { driver }, Start, Start.AddDays(2));
        var single = await Trips.ReadDriverVectorAsync(driver, Start, Start.AddDays(2));

        foreach (var read in new[] { vectors, single })
        {
            Assert.Equal(2, read.TripCounts[0]);
            Assert.Contains($"Trip {legacy}", read.Problems[0], StringComparison.Ordinal);
            Assert.Contains("telematics trips backfill", read.Problems[0], StringComparison.Ordinal);
            Assert.All(read.GetFeatures(0).ToArray(), value => Assert.Equal(0f, value));
        }

        // The period before the legacy trip is whole and has its vector.
        Assert.Null((await Trips.ReadDriverVectorAsync(driver, Start, Start.AddDays(1))).Problems[0]);
    }

    [Fact]
    public async Task A_trip_of_an_unknown_driver_fails_and_writes_no_audit_row()
    {
        var before = await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log");
        var error = await Assert.ThrowsAsync<PostgresException>(() => Trips.WriteClosedTripAsync(987_654, Trip(0), Actor));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(before, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log"));
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
