using Npgsql;

using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Scores;

public sealed class ScoreAndPremiumRepositoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset January = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> NewDriverAsync(string reference) =>
        (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(reference, "D", Actor)).DriverId;

    private static RiskScoreRecord Score(long driverId, DateTimeOffset at, double score) =>
        new(driverId, at, at.AddDays(-30), at, score, RiskCategories.FromScore(score), score / 100, "gbm", "3", "pricing-2026", "B", [1f, 2f], [0.5f, -0.25f]);

    [Fact]
    public async Task Score_history_is_newest_first_and_the_trend_averages_each_month()
    {
        var driver = await NewDriverAsync("score-1");
        var scores = new ScoreRepository(database.DataSource, TimeProvider.System);
        await scores.AddAsync(Score(driver, January, 30), Actor);
        await scores.AddAsync(Score(driver, January.AddDays(5), 50), Actor);
        await scores.AddAsync(Score(driver, January.AddMonths(1), 70), Actor);

        var history = await scores.HistoryAsync(driver, limit: 2);
        Assert.Equal([70.0, 50.0], history.Select(s => s.Score));
        Assert.Equal(RiskCategory.BelowAverage, history[0].Category);
        Assert.Equal("B", history[0].Variant);
        Assert.Equal([0.5f, -0.25f], history[0].Contributions);

        var trend = await scores.TrendAsync(driver, January.AddMonths(-1), January.AddMonths(2));
        Assert.Equal([(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), 40.0, 2), (new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), 70.0, 1)],
            trend.Select(p => (p.MonthStart, p.MeanScore, p.Count)));
        Assert.Equal(3, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE action = 'score.record' AND resource LIKE 'driver/{driver}/score/%'"));
    }

    [Fact]
    public async Task A_score_keeps_its_out_of_range_share_and_its_confidence_is_read_back()
    {
        var driver = await NewDriverAsync("score-range");
        var scores = new ScoreRepository(database.DataSource, TimeProvider.System);
        await scores.AddAsync(Score(driver, January, 30), Actor);
        await scores.AddAsync(Score(driver, January.AddDays(1), 40) with { OutOfRangeShare = 0.5 }, Actor);

        var history = await scores.HistoryAsync(driver, limit: 2);

        Assert.Equal((0.5, ScoreConfidence.Low), (history[0].OutOfRangeShare!.Value, history[0].Confidence));
        Assert.Equal((null, ScoreConfidence.Unknown), (history[1].OutOfRangeShare, history[1].Confidence));
    }

    [Fact]
    public async Task A_score_outside_0_to_100_is_refused()
    {
        var driver = await NewDriverAsync("score-2");
        var error = await Assert.ThrowsAsync<PostgresException>(() => new ScoreRepository(database.DataSource, TimeProvider.System).AddAsync(Score(driver, January, 101), Actor));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task A_premium_change_records_the_previous_premium_as_its_before_state()
    {
        var driver = await NewDriverAsync("premium-1");
        var premiums = new PremiumRepository(database.DataSource, TimeProvider.System);
        await premiums.AddAsync(new PremiumRecord(driver, null, January, "EUR", 800m, 760.40m, "{\"discount\": 0.05}"), Actor);
        await premiums.AddAsync(new PremiumRecord(driver, null, January.AddMonths(6), "EUR", 800m, 712.00m, "{\"discount\": 0.11}"), Actor);

        var history = await premiums.HistoryAsync(driver);
        Assert.Equal([712.00m, 760.40m], history.Select(p => p.FinalAmount));
        Assert.Equal(1, await ScalarAsync(database.DataSource,
            $"SELECT count(*) FROM audit_log WHERE action = 'premium.change' AND resource = 'driver/{driver}/premium' AND (before->>'final_amount')::numeric = 760.40 AND (after->>'final_amount')::numeric = 712.00"));
    }

    [Fact]
    public async Task A_premium_keeps_the_decimal_places_of_its_plan_up_to_four()
    {
        var driver = await NewDriverAsync("premium-places");
        var premiums = new PremiumRepository(database.DataSource, TimeProvider.System);
        await premiums.AddAsync(new PremiumRecord(driver, null, January, "KWD", 210.125m, 187.463m, "{}"), Actor);
        await premiums.AddAsync(new PremiumRecord(driver, null, January.AddDays(1), "EUR", 780.00m, 760.40m, "{}"), Actor);

        var history = await premiums.HistoryAsync(driver);

        // Read back as written: three places stay three (numeric(12, 2) made 187.463 KWD 187.46), two stay two.
        Assert.Equal(["760.40", "187.463"], history.Select(p => p.FinalAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("210.125", history[1].BaseAmount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var error = await Assert.ThrowsAsync<PostgresException>(() => premiums.AddAsync(new PremiumRecord(driver, null, January, "EUR", 1m, 1.00001m, "{}"), Actor));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task A_premium_with_a_bad_currency_is_refused_and_writes_nothing()
    {
        var driver = await NewDriverAsync("premium-2");
        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            new PremiumRepository(database.DataSource, TimeProvider.System).AddAsync(new PremiumRecord(driver, null, January, "eu'", 1m, 1m, "{}"), Actor));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }
}
