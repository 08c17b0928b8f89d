using System.Text.Json;

using Telematics.Service.Events;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Outbox;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Outbox;

/// <summary>The outbox is written in the transaction of each change, and handed on by one relay at a time, nothing lost.</summary>
public sealed class DomainEventOutboxTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Morning = new(2026, 4, 14, 7, 30, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DriverRepository Drivers(bool domainEvents) => new(database.DataSource, TimeProvider.System) { WriteDomainEvents = domainEvents };

    private async Task<long> DriverAsync(string reference, bool domainEvents = false) =>
        (await Drivers(domainEvents).CreateAsync(reference + "-" + Guid.NewGuid().ToString("N")[..8], "Driver " + reference, Actor)).DriverId;

    private async Task<List<(string Id, string Type, JsonElement Data)>> PendingAsync(long driverId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT event_id, event_type, data::text FROM domain_event_outbox WHERE subject = $1 ORDER BY seq");
        command.Parameters.AddWithValue(driverId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rows = new List<(string, string, JsonElement)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }

        return rows;
    }

    [Fact]
    public async Task A_stored_score_leaves_its_score_and_premium_events_written_with_it()
    {
        var driver = await DriverAsync("outbox-score");
        await AddTripsAsync(database, driver, 6);

        var outcome = await NewScorer(database, domainEvents: true).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        var pending = await PendingAsync(driver);
        var score = Assert.Single(pending, e => e.Type == DomainEventTypes.RiskScoreCalculated);
        var premium = Assert.Single(pending, e => e.Type == DomainEventTypes.PremiumUpdated);
        Assert.Equal($"score-{outcome.ScoreId}", score.Id);
        Assert.Equal(outcome.ScoreId, score.Data.GetProperty("score_id").GetInt64());
        Assert.Equal(outcome.Score!.Score, score.Data.GetProperty("score").GetDouble(), 3);
        Assert.Equal("builtin-rules", score.Data.GetProperty("model").GetString());
        // Its six daily trips begin on the period's first day: the whole period is observed.
        Assert.Equal(30, score.Data.GetProperty("observed_days").GetDouble());
        // The rules record no sampling noise: the interval's fields are there, and null.
        Assert.Equal(JsonValueKind.Null, score.Data.GetProperty("score_low").ValueKind);
        Assert.Equal(JsonValueKind.Null, score.Data.GetProperty("category_settled").ValueKind);
        Assert.Equal($"premium-{outcome.PremiumId}", premium.Id);
        Assert.Equal(outcome.Quote!.Premium, premium.Data.GetProperty("amount").GetDecimal());
        Assert.Equal(outcome.ScoreId, premium.Data.GetProperty("score_id").GetInt64());
    }

    [Fact]
    public async Task A_score_with_an_interval_carries_it_in_its_event()
    {
        using var model = new ShippedModelFolder();
        var driver = await DriverAsync("outbox-interval");
        await AddTripsAsync(database, driver, 8);

        var outcome = await NewScorer(database, domainEvents: true, shippedModelDirectory: model.Root).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        var data = Assert.Single(await PendingAsync(driver), e => e.Type == DomainEventTypes.RiskScoreCalculated).Data;
        var interval = outcome.Score!.Interval!.Value;
        Assert.Equal(Math.Round(interval.Low, 4), data.GetProperty("score_low").GetDouble());
        Assert.Equal(Math.Round(interval.High, 4), data.GetProperty("score_high").GetDouble());
        Assert.Equal(interval.SettlesCategory, data.GetProperty("category_settled").GetBoolean());
    }

    [Fact]
    public async Task Without_domain_events_a_score_writes_nothing_to_the_outbox()
    {
        var driver = await DriverAsync("outbox-off");
        await AddTripsAsync(database, driver, 3);

        await NewScorer(database).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Empty(await PendingAsync(driver));
    }

    [Fact]
    public async Task A_registered_driver_and_a_repriced_premium_leave_their_events()
    {
        var driver = await DriverAsync("outbox-register", domainEvents: true);
        var premiums = new PremiumRepository(database.DataSource, TimeProvider.System) { WriteDomainEvents = true };
        var premiumId = await premiums.AddAsync(new PremiumRecord(driver, null, DateTimeOffset.UtcNow, "EUR", 600m, 540.5m, "{}"), Actor);

        var pending = await PendingAsync(driver);

        Assert.Equal([$"driver-{driver}-registered", $"premium-{premiumId}"], pending.Select(e => e.Id));
        Assert.Equal(540.5m, pending[1].Data.GetProperty("amount").GetDecimal());
        Assert.Equal(JsonValueKind.Null, pending[1].Data.GetProperty("score_id").ValueKind);
    }

    [Fact]
    public async Task An_upload_leaves_one_TripCompleted_per_stored_trip_and_a_continued_trip_names_the_trip_it_replaced()
    {
        var driver = await DriverAsync("outbox-trips");
        var ingestor = new EventStreamIngestor(new EventIngestor(database.DataSource, NewPartitionManager(database), TimeProvider.System) { WriteDomainEvents = true });
        var lines = Lines(Morning);

        var first = await PostAsync(ingestor, driver, lines[..400]);
        var openedTrip = await ScalarAsync(database.DataSource, $"SELECT trip_id FROM trips WHERE driver_id = {driver}");
        var second = await PostAsync(ingestor, driver, lines[400..]);
        var closedTrip = await ScalarAsync(database.DataSource, $"SELECT trip_id FROM trips WHERE driver_id = {driver}");

        var trips = (await PendingAsync(driver)).Where(e => e.Type == DomainEventTypes.TripCompleted).ToList();
        Assert.Equal((1, 1), (first.TripsStored, second.TripsClosed));
        Assert.Equal([$"trip-{openedTrip}-completed", $"trip-{closedTrip}-completed"], trips.Select(e => e.Id));
        Assert.Equal(JsonValueKind.Null, trips[0].Data.GetProperty("replaces_trip_id").ValueKind);
        Assert.Equal(openedTrip, trips[1].Data.GetProperty("replaces_trip_id").GetInt64());
        Assert.Equal(second.DistanceKm, trips[1].Data.GetProperty("distance_km").GetDouble(), 3);
    }

    [Fact]
    public async Task A_relay_that_fails_leaves_the_events_and_the_next_one_hands_them_in_order_then_deletes_them()
    {
        var driver = await DriverAsync("outbox-relay", domainEvents: true);
        await AddTripsAsync(database, driver, 3);
        await NewScorer(database, domainEvents: true).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        var expected = (await PendingAsync(driver)).Select(e => e.Id).ToList();
        var outbox = new PostgresOutbox(database.DataSource);

        await Assert.ThrowsAsync<TimeoutException>(() => outbox.RelayAsync((_, _) => throw new TimeoutException("NATS is down"), 10_000));
        Assert.Equal(expected, (await PendingAsync(driver)).Select(e => e.Id));

        var handed = new List<string>();
        while (await outbox.RelayAsync((events, _) =>
        {
            handed.AddRange(events.Select(e => e.Id));
            return Task.CompletedTask;
        }, 2) > 0)
        {
        }

        Assert.Empty(await PendingAsync(driver));
        Assert.Equal(expected, handed.Where(expected.Contains));
        Assert.Equal(handed.Count, handed.Distinct().Count());
        Assert.Equal(0, await outbox.CountPendingAsync());
    }

    [Fact]
    public async Task While_one_relay_works_another_hands_nothing()
    {
        var driver = await DriverAsync("outbox-two-relays", domainEvents: true);
        var outbox = new PostgresOutbox(database.DataSource);
        var inside = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var first = outbox.RelayAsync(async (_, _) =>
        {
            inside.SetResult();
            await release.Task;
        }, 100);
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30)); // a database round trip or two, slow on a loaded CI machine
        var second = await outbox.RelayAsync((_, _) => throw new InvalidOperationException("a second relay must not be handed events"), 100);
        release.SetResult();

        Assert.Equal(0, second);
        Assert.True(await first >= 1);
        Assert.Empty(await PendingAsync(driver));
    }

    [Fact]
    public async Task Erasing_a_driver_removes_the_events_about_them_still_waiting()
    {
        var driver = await DriverAsync("outbox-erase", domainEvents: true);
        Assert.NotEmpty(await PendingAsync(driver));

        await Drivers(domainEvents: true).EraseAsync(driver, Actor);

        Assert.Empty(await PendingAsync(driver));
    }
}
