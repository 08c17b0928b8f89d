using Telematics.Storage.Postgres.Dashboard;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Dashboard;

/// <summary>Each test writes into its own month, so the periods they read do not see each other's rows.</summary>
public sealed class DashboardQueriesTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly BookData _book = new(database);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DashboardQueries Queries => new(database.DataSource);

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Summary_counts_trips_km_and_latest_scores_and_premiums_inside_the_period_only()
    {
        var a = await _book.DriverAsync("summary-a");
        var b = await _book.DriverAsync("summary-b");
        var unscored = await _book.DriverAsync("summary-c");
        await _book.TripAsync(a, Utc(2025, 3, 2), 10.5);
        await _book.TripAsync(b, Utc(2025, 3, 20), 4.5);
        await _book.TripAsync(unscored, Utc(2025, 4, 1, 0), 99);     // the exclusive end
        await _book.ScoreAsync(a, Utc(2025, 3, 3), 30);
        await _book.ScoreAsync(a, Utc(2025, 3, 10), 50);            // a's latest in the period
        await _book.ScoreAsync(a, Utc(2025, 4, 2), 90);             // after the period
        await _book.ScoreAsync(b, Utc(2025, 3, 11), 70);
        await _book.PremiumAsync(a, Utc(2025, 3, 4), "EUR", 500m);
        await _book.PremiumAsync(a, Utc(2025, 3, 12), "EUR", 450.25m); // a's latest premium
        await _book.PremiumAsync(b, Utc(2025, 3, 12), "EUR", 600m);
        await _book.PremiumAsync(unscored, Utc(2025, 3, 12), "USD", 300m);

        var summary = await Queries.ReadSummaryAsync(Utc(2025, 3, 1, 0), Utc(2025, 4, 1, 0));

        Assert.Equal(await ScalarAsync(database.DataSource, "SELECT count(*) FROM drivers"), summary.Drivers);
        Assert.Equal(2, summary.Trips);
        Assert.Equal(15.0, summary.DistanceKm, 9);
        Assert.Equal(2, summary.ScoredDrivers);
        Assert.Equal(60.0, summary.MeanScore!.Value, 9);
        Assert.Equal([new PremiumTotal("EUR", 2, 1050.25m), new PremiumTotal("USD", 1, 300m)], summary.Premiums);
    }

    [Fact]
    public async Task Summary_of_an_empty_period_has_no_mean_and_no_premiums()
    {
        var summary = await Queries.ReadSummaryAsync(Utc(2019, 1, 1, 0), Utc(2019, 2, 1, 0));

        Assert.Equal((0L, 0.0, 0L, (double?)null), (summary.Trips, summary.DistanceKm, summary.ScoredDrivers, summary.MeanScore));
        Assert.Empty(summary.Premiums);
    }

    [Fact]
    public async Task Risk_distribution_counts_each_drivers_latest_score_once_in_ten_point_buckets_and_categories()
    {
        var scores = new[] { 5.0, 15.0, 100.0, 45.0 };
        for (var i = 0; i < scores.Length; i++)
        {
            var driver = await _book.DriverAsync("dist-" + i);
            await _book.ScoreAsync(driver, Utc(2025, 6, 1), 95);      // superseded by the later score
            await _book.ScoreAsync(driver, Utc(2025, 6, 2 + i), scores[i]);
        }

        var distribution = await Queries.ReadRiskDistributionAsync(Utc(2025, 6, 1, 0), Utc(2025, 7, 1, 0));

        Assert.Equal(4, distribution.ScoredDrivers);
        Assert.Equal([1L, 1, 0, 0, 1, 0, 0, 0, 0, 1], distribution.Histogram);
        Assert.Equal([2L, 0, 1, 0, 1], distribution.CategoryCounts); // 5 and 15 excellent, 45 average, 100 high
    }

    [Fact]
    public async Task Trip_activity_lists_every_day_of_the_period_with_zero_days_filled_in()
    {
        var driver = await _book.DriverAsync("activity");
        await _book.TripAsync(driver, Utc(2025, 9, 1, 8), 3);
        await _book.TripAsync(driver, Utc(2025, 9, 1, 18), 4);
        await _book.TripAsync(driver, Utc(2025, 9, 3, 23), 2.5);
        await _book.TripAsync(driver, Utc(2025, 9, 4, 0), 100);     // the exclusive end

        var days = await Queries.ReadTripActivityAsync(Utc(2025, 9, 1, 0), Utc(2025, 9, 4, 0));

        Assert.Equal(
            [new TripActivityDay(new DateOnly(2025, 9, 1), 2, 7), new TripActivityDay(new DateOnly(2025, 9, 2), 0, 0), new TripActivityDay(new DateOnly(2025, 9, 3), 1, 2.5)],
            days);
    }

    [Fact]
    public async Task A_period_that_does_not_end_after_it_starts_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Queries.ReadSummaryAsync(Utc(2025, 1, 2), Utc(2025, 1, 2)));
    }
}
