using Telematics.Scoring.Experiments;
using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

public sealed class StoredDriverScorerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<long> CountAsync(string sql) => ScalarAsync(database.DataSource, sql);

    [Fact]
    public async Task A_driver_with_trips_is_scored_priced_and_stored_with_one_audit_row()
    {
        var driver = await NewDriverAsync("scorer-1");
        await AddTripsAsync(database, driver, 10);

        var outcome = await NewScorer(database).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Scored, outcome.Status);
        Assert.Equal(10, outcome.TripCount);
        Assert.Equal("builtin-rules", outcome.Score!.ModelName);
        Assert.NotEmpty(outcome.Score.Contributions);
        Assert.Equal(200f, outcome.Features[0]);
        Assert.Equal(200 * 365 / 30.0, outcome.AnnualKm, 6);
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND score_id = {outcome.ScoreId}"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM premiums WHERE driver_id = {driver} AND score_id = {outcome.ScoreId} AND final_amount = {outcome.Quote!.Premium.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'score.recalculate' AND resource = 'driver/{driver}/score/{outcome.ScoreId}'"));
    }

    [Fact]
    public async Task Stored_contributions_sum_to_the_score_minus_the_stored_reference_score()
    {
        var driver = await NewDriverAsync("scorer-2");
        await AddTripsAsync(database, driver, 5, nightShare: 0.4, harsh: 6);

        var outcome = await NewScorer(database).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        var stored = await new StoredScoreReader(database.DataSource).LatestAsync(driver);

        Assert.NotNull(stored);
        Assert.Equal(outcome.ScoreId, stored.Record.ScoreId);
        Assert.Equal(stored.Record.Score - stored.ReferenceScore!.Value, stored.Record.Contributions.Sum(c => (double)c), 3);
        Assert.Contains(stored.Reference!, float.IsFinite);
    }

    [Fact]
    public async Task A_driver_without_trips_in_the_period_gets_no_score_and_nothing_is_stored()
    {
        var driver = await NewDriverAsync("scorer-3");
        await AddTripsAsync(database, driver, 3);

        var outcome = await NewScorer(database).ScoreDriverAsync(driver, PeriodEnd, PeriodEnd.AddDays(30), Actor);

        Assert.Equal(DriverScoreStatus.NoTrips, outcome.Status);
        Assert.Contains("No stored trips", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task An_unknown_driver_is_reported_as_unknown()
    {
        var outcome = await NewScorer(database).ScoreDriverAsync(987_654, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.UnknownDriver, outcome.Status);
    }

    [Fact]
    public async Task The_drivers_region_sets_the_base_rate_of_the_premium()
    {
        var driver = await NewDriverAsync("scorer-4");
        await AddTripsAsync(database, driver, 4);
        await ExecuteAsync(database.DataSource, $"UPDATE drivers SET region = 'FR-75' WHERE driver_id = {driver}");

        var outcome = await NewScorer(database).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal("FR-75", outcome.Region);
        Assert.Equal(780.00m, outcome.Quote!.Steps[0].Value);
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM premiums WHERE driver_id = {driver} AND base_amount = 780.00 AND breakdown->>'region' = 'FR-75'"));
    }

    [Fact]
    public async Task A_batch_stores_each_premium_breakdown_exactly_as_its_json_text()
    {
        var a = await NewDriverAsync("breakdown-a");
        var b = await NewDriverAsync("breakdown-b");
        await AddTripsAsync(database, a, 4);
        await AddTripsAsync(database, b, 7, nightShare: 0.3, harsh: 5);
        await ExecuteAsync(database.DataSource, $"UPDATE drivers SET region = 'FR-13' WHERE driver_id = {b}");

        var result = await NewScorer(database).ScoreDriversAsync(new[] { a, b }, PeriodStart, PeriodEnd, Actor);

        // The COPY writes the breakdown as UTF-8 bytes; json keeps them as written: the text the string writer gives.
        await using var read = database.DataSource.CreateCommand("SELECT breakdown::text FROM premiums WHERE premium_id = $1");
        var premiumId = new Npgsql.NpgsqlParameter<long>();
        read.Parameters.Add(premiumId);
        foreach (var outcome in result.Outcomes)
        {
            premiumId.TypedValue = outcome.PremiumId;
            Assert.Equal(
                PremiumBreakdownJson.Write(outcome.Quote!, outcome.Score!.Score, outcome.AnnualKm, outcome.Region),
                (string?)await read.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task A_batch_stores_every_scored_driver_and_reports_the_others_with_a_reason()
    {
        var a = await NewDriverAsync("batch-a");
        var b = await NewDriverAsync("batch-b");
        var idle = await NewDriverAsync("batch-idle");
        await AddTripsAsync(database, a, 6, nightShare: 0.01, harsh: 0.2);
        await AddTripsAsync(database, b, 6, nightShare: 0.5, harsh: 8);

        var result = await NewScorer(database).ScoreDriversAsync(new[] { b, idle, a, a }, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(3, result.Summary.Count);
        Assert.Equal(1, result.Summary.Failures);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(idle.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.DriverId);
        Assert.True(result.Summary.P95 >= result.Summary.P50);
        Assert.True(result.Outcomes.Single(o => o.DriverId == b).Score!.Score > result.Outcomes.Single(o => o.DriverId == a).Score!.Score);
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id IN ({a}, {b}, {idle})"));
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM premiums p JOIN risk_scores s USING (score_id) WHERE p.driver_id IN ({a}, {b})"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM audit_log WHERE action = 'score.batch' AND after->>'first_driver_id' = '{a}'"));
    }

    [Fact]
    public async Task In_an_experiment_every_stored_score_names_the_experiment_and_variant()
    {
        var experiment = ExperimentJson.Parse("""
            { "name": "store-test", "salt": "s1", "variants": [ { "name": "control", "model": "builtin-rules@1", "weight_bp": 10000 } ] }
            """);
        var driver = await NewDriverAsync("scorer-5");
        await AddTripsAsync(database, driver, 2);

        var outcome = await NewScorer(database, experiment).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(new Telematics.Scoring.Results.ExperimentVariantLabel("store-test", "control"), outcome.Score!.Experiment);
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND experiment = 'store-test' AND variant = 'control'"));
    }

    [Fact]
    public async Task Repricing_uses_the_latest_score_and_the_current_region()
    {
        var driver = await NewDriverAsync("scorer-6");
        await AddTripsAsync(database, driver, 4);
        var scorer = NewScorer(database);
        var scored = await scorer.ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        await ExecuteAsync(database.DataSource, $"UPDATE drivers SET region = 'FR-35' WHERE driver_id = {driver}");

        var repriced = await scorer.RepriceLatestAsync(driver, Actor);

        Assert.NotNull(repriced);
        Assert.Equal(scored.ScoreId, repriced.ScoreId);
        Assert.Equal(560.00m, repriced.BaseAmount);
        Assert.Equal(620.00m, scored.Quote!.Steps[0].Value);
        Assert.Contains("\"region\":\"FR-35\"", repriced.BreakdownJson, StringComparison.Ordinal);
        Assert.Null(await scorer.RepriceLatestAsync(await NewDriverAsync("scorer-7"), Actor));
    }

    private Task<long> NewDriverAsync(string reference) => ScoringFixtures.NewDriverAsync(database, reference);
}
