using Npgsql;

using Telematics.Service.Ingest;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;

namespace Telematics.Storage.Postgres.Tests.Ingest;

public sealed class TripContinuationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Morning = new(2026, 4, 14, 7, 30, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<int> SplitPoints()
    {
        // Every tenth of the trip, and two points inside the stop at the light (the first part then ends stationary).
        var points = new TheoryData<int>();
        for (var tenth = 1; tenth < 10; tenth++)
        {
            points.Add(SampleCount * tenth / 10);
        }

        points.Add(LightStop + 1);
        points.Add(LightStop + 20);
        return points;
    }

    private EventStreamIngestor NewStreamIngestor() => new(NewIngestor(database));

    private async Task<long> NewDriverAsync(string prefix) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(prefix + "-" + Guid.NewGuid().ToString("N"), "Driver " + prefix, Actor)).DriverId;

    private async Task<List<StoredTripRow>> TripsAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT trip_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, features " +
            "FROM trips WHERE driver_id = $1 ORDER BY started_at");
        command.Parameters.AddWithValue(driverId);
        var rows = new List<StoredTripRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var features = reader.GetFieldValue<float[]>(8);
            var bits = new int[features.Length];
            for (var i = 0; i < features.Length; i++)
            {
                bits[i] = BitConverter.SingleToInt32Bits(features[i]);
            }

            rows.Add(new StoredTripRow(
                reader.GetInt64(0),
                new TripShape(reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<DateTime>(2), reader.GetDouble(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)),
                bits));
        }

        return rows;
    }

    private static void AssertSameTrips(IReadOnlyList<StoredTripRow> expected, IReadOnlyList<StoredTripRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].FeatureBits, actual[i].FeatureBits);
        }
    }

    private async Task<List<StoredTripRow>> OnePostAsync(string[] lines)
    {
        var driver = await NewDriverAsync("one-post");
        var result = await PostAsync(NewStreamIngestor(), driver, lines);
        Assert.Equal(1, result.TripsStored);
        return await TripsAsync(driver);
    }

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public async Task A_trip_split_into_two_posts_is_stored_as_the_same_trip_and_features_as_one_post(int split)
    {
        var lines = Lines(Morning);
        var whole = await OnePostAsync(lines);
        var driver = await NewDriverAsync("split");
        var ingestor = NewStreamIngestor();

        var first = await PostAsync(ingestor, driver, lines[..split]);
        var opened = Assert.Single(await TripsAsync(driver));
        var second = await PostAsync(ingestor, driver, lines[split..]);

        Assert.Equal(1, first.TripsStored);
        Assert.Equal(opened.TripId, second.ContinuedTripId);
        Assert.Equal((1, 1), (second.TripsClosed, second.TripsStored));
        Assert.Equal(whole[0].Shape.DistanceKm, second.DistanceKm);
        AssertSameTrips(whole, await TripsAsync(driver));
        Assert.Equal(
            opened.TripId,
            await ScalarAsync(database.DataSource, $"SELECT (after->>'continued_trip_id')::bigint FROM audit_log WHERE action = 'events.ingest' AND resource = 'driver/{driver}' ORDER BY seq DESC LIMIT 1"));
    }

    [Fact]
    public async Task A_trip_posted_in_five_parts_is_stored_as_one_trip_equal_to_one_post()
    {
        var lines = Lines(Morning);
        var whole = await OnePostAsync(lines);
        var driver = await NewDriverAsync("five-parts");
        var ingestor = NewStreamIngestor();

        for (var part = 0; part < 5; part++)
        {
            await PostAsync(ingestor, driver, lines[(part * SampleCount / 5)..((part + 1) * SampleCount / 5)]);
        }

        AssertSameTrips(whole, await TripsAsync(driver));
    }

    [Theory]
    [InlineData(2)] // idle samples only
    [InlineData(5)] // idle samples only, the last of which starts the trip
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(60)]
    public async Task A_first_post_too_short_to_be_a_trip_is_not_lost_when_the_trip_goes_on_in_the_next(int split)
    {
        var lines = Lines(Morning);
        var whole = await OnePostAsync(lines);
        var driver = await NewDriverAsync("short-start");
        var ingestor = NewStreamIngestor();

        var first = await PostAsync(ingestor, driver, lines[..split]);
        var second = await PostAsync(ingestor, driver, lines[split..]);

        // Under 60 s of driving: stored as events, no trip. The second post's trip starts at the first post's start.
        Assert.Equal(0, first.TripsStored);
        Assert.Null(second.ContinuedTripId);
        Assert.Equal(1, second.TripsStored);
        AssertSameTrips(whole, await TripsAsync(driver));
    }

    [Fact]
    public async Task A_trip_posted_every_30_seconds_is_stored_as_one_trip_equal_to_one_post()
    {
        var lines = Lines(Morning);
        var whole = await OnePostAsync(lines);
        var driver = await NewDriverAsync("every-30-s");
        var ingestor = NewStreamIngestor();

        for (var start = 0; start < SampleCount; start += 30)
        {
            await PostAsync(ingestor, driver, lines[start..Math.Min(SampleCount, start + 30)]);
        }

        AssertSameTrips(whole, await TripsAsync(driver));
    }

    [Fact]
    public async Task A_short_start_followed_by_a_long_pause_is_not_merged_into_the_next_trip()
    {
        var later = Morning.AddMinutes(20);
        var alone = await OnePostAsync(Lines(later, firstEventId: 10_001));
        var driver = await NewDriverAsync("short-then-pause");
        var ingestor = NewStreamIngestor();

        // 40 s of driving (no trip), then nothing for 19 minutes: whatever moved then has ended.
        var first = await PostAsync(ingestor, driver, Lines(Morning)[..40]);
        var next = await PostAsync(ingestor, driver, Lines(later, firstEventId: 10_001));

        Assert.Equal(0, first.TripsStored);
        Assert.Equal(1, next.TripsStored);
        AssertSameTrips(alone, await TripsAsync(driver));
    }

    [Fact]
    public async Task A_post_after_a_gap_longer_than_the_trip_gap_stores_a_second_trip()
    {
        var driver = await NewDriverAsync("gap");
        var ingestor = NewStreamIngestor();
        await PostAsync(ingestor, driver, Lines(Morning));
        var first = Assert.Single(await TripsAsync(driver));

        // The first trip ends at 799 s; the next post starts 10 minutes later (the gap that ends a trip is 300 s).
        var later = await PostAsync(ingestor, driver, Lines(Morning.AddSeconds(SampleCount - 1 + 600), firstEventId: 10_001));

        Assert.Null(later.ContinuedTripId);
        Assert.Equal(1, later.TripsStored);
        var trips = await TripsAsync(driver);
        Assert.Equal(2, trips.Count);
        Assert.Equal(first, trips[0], StoredTripRow.Comparer);
    }

    [Fact]
    public async Task A_late_post_earlier_than_the_latest_trip_does_not_reopen_it()
    {
        var driver = await NewDriverAsync("late");
        var ingestor = NewStreamIngestor();
        await PostAsync(ingestor, driver, Lines(Morning.AddHours(2), firstEventId: 10_001));
        var latest = Assert.Single(await TripsAsync(driver));

        var late = await PostAsync(ingestor, driver, Lines(Morning));

        Assert.Null(late.ContinuedTripId);
        Assert.Equal(1, late.TripsStored);
        var trips = await TripsAsync(driver);
        Assert.Equal(2, trips.Count);
        Assert.Equal(latest, trips[1], StoredTripRow.Comparer);
    }

    [Fact]
    public async Task Re_posting_the_same_events_after_a_continuation_changes_nothing()
    {
        var lines = Lines(Morning);
        var driver = await NewDriverAsync("repost");
        var ingestor = NewStreamIngestor();
        await PostAsync(ingestor, driver, lines[..400]);
        await PostAsync(ingestor, driver, lines[400..]);
        var merged = await TripsAsync(driver);

        var againSecond = await PostAsync(ingestor, driver, lines[400..]);
        var againWhole = await PostAsync(ingestor, driver, lines);

        Assert.Equal((0L, 0, (long?)null), (againSecond.Stored, againSecond.TripsStored, againSecond.ContinuedTripId));
        Assert.Equal((0L, 0, (long?)null), (againWhole.Stored, againWhole.TripsStored, againWhole.ContinuedTripId));
        var after = await TripsAsync(driver);
        Assert.Equal(merged, after, StoredTripRow.Comparer);
    }

    [Fact]
    public async Task Two_concurrent_continuation_posts_give_one_trip_equal_to_one_post()
    {
        var lines = Lines(Morning);
        var whole = await OnePostAsync(lines);
        var driver = await NewDriverAsync("concurrent");
        await PostAsync(NewStreamIngestor(), driver, lines[..600]);

        // Each part starts less than the trip gap after the stored trip's end, whichever commits first.
        var results = await Task.WhenAll(
            Task.Run(() => PostAsync(NewStreamIngestor(), driver, lines[600..700])),
            Task.Run(() => PostAsync(NewStreamIngestor(), driver, lines[700..])));

        Assert.All(results, result => Assert.NotNull(result.ContinuedTripId));
        AssertSameTrips(whole, await TripsAsync(driver));
    }

    [Fact]
    public async Task A_cancelled_continuation_leaves_the_old_trip_and_stores_none_of_its_events()
    {
        var lines = Lines(Morning);
        var driver = await NewDriverAsync("cancelled");
        await PostAsync(NewStreamIngestor(), driver, lines[..400]);
        var before = await TripsAsync(driver);

        // Hold the audit chain's head: the continuation blocks at its first audit row, after it deleted the old trip row.
        await using var blocker = await database.DataSource.OpenConnectionAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var head = new NpgsqlCommand("SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE", blocker, hold))
        {
            await head.ExecuteScalarAsync();
        }

        using var cancel = new CancellationTokenSource();
        var post = PostAsync(NewStreamIngestor(), driver, lines[400..], cancel.Token);
        await WaitUntilAsync(async () => await ScalarAsync(
            database.DataSource, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit_log%'") > 0);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => post);
        await hold.RollbackAsync();
        Assert.Equal(before, await TripsAsync(driver), StoredTripRow.Comparer);
        Assert.Equal(400, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM telematics_events WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_continuation_whose_stored_events_are_gone_keeps_the_old_trip()
    {
        var lines = Lines(Morning);
        var driver = await NewDriverAsync("archived");
        await PostAsync(NewStreamIngestor(), driver, lines[..400]);
        var before = await TripsAsync(driver);

        // As after the month's partition was archived and dropped: the trip row stays, its raw events do not.
        await ExecuteAsync(database.DataSource, $"DELETE FROM telematics_events WHERE driver_id = {driver}");
        var result = await PostAsync(NewStreamIngestor(), driver, lines[400..420]);

        Assert.Null(result.ContinuedTripId);
        Assert.Equal(before, await TripsAsync(driver), StoredTripRow.Comparer);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The continuation never reached the blocked audit write.");
            await Task.Delay(50);
        }
    }

    private readonly record struct TripShape(DateTime StartedAt, DateTime EndedAt, double DistanceKm, int Samples, int HarshBrakes, int RapidAccelerations, int HarshCorners);

    private sealed record StoredTripRow(long TripId, TripShape Shape, int[] FeatureBits)
    {
        public static IEqualityComparer<StoredTripRow> Comparer { get; } = new RowComparer();

        private sealed class RowComparer : IEqualityComparer<StoredTripRow>
        {
            public bool Equals(StoredTripRow? x, StoredTripRow? y) =>
                x is not null && y is not null && x.TripId == y.TripId && x.Shape == y.Shape && x.FeatureBits.AsSpan().SequenceEqual(y.FeatureBits);

            public int GetHashCode(StoredTripRow obj) => HashCode.Combine(obj.TripId, obj.Shape);
        }
    }
}
