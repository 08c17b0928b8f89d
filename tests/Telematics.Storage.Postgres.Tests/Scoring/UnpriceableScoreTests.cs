using Telematics.Service.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// A score the plan cannot price (a model met after the plan was checked: an experiment's variant, a hot reload) fails
/// its driver by name, stores nothing for it and leaves it out of the batch figures, instead of being priced as something it is not.
/// </summary>
public sealed class UnpriceableScoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task A_claim_frequency_under_a_score_plan_fails_the_driver_and_stores_nothing()
    {
        var driver = await NewDriverAsync(database, "unpriceable-frequency");
        await AddTripsAsync(database, driver, 10);

        // The score plan would price the shipped model's percentile and discard its frequency relativities.
        var outcome = await NewScorer(database, planJson: PlanJson, shippedModelDirectory: _model.Root).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Failed, outcome.Status);
        Assert.Contains("cannot be priced", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("risk_multiplier", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_version_reading_a_feature_the_plan_prohibits_fails_the_driver_and_stores_nothing()
    {
        var driver = await NewDriverAsync(database, "unpriceable-prohibited");
        await AddTripsAsync(database, driver, 10);
        var plan = RelativityPlanJson.Replace("\"base_rate\"", "\"prohibited_features\": [\"speeding_share\"], \"base_rate\"", StringComparison.Ordinal);

        // The scorer never checked the plan against the shipped model (as after a hot reload): its output kind fits, but
        // it reads speeding_share.
        var outcome = await NewScorer(database, planJson: plan, shippedModelDirectory: _model.Root).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Failed, outcome.Status);
        Assert.Contains("cannot be priced", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("prohibited_features", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("'speeding_share'", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_score_under_a_relativity_plan_fails_the_driver_and_stores_nothing()
    {
        var driver = await NewDriverAsync(database, "unpriceable-score");
        await AddTripsAsync(database, driver, 10);

        // The built-in rules model outputs a 0–100 score, which is no claim frequency.
        var outcome = await NewScorer(database, planJson: RelativityPlanJson).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Failed, outcome.Status);
        Assert.Contains("builtin-rules@1", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("telematics_relativity", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task Drivers_that_fail_pricing_are_left_out_of_the_summary()
    {
        // The shipped model outputs a claim frequency, which a score plan refuses to price: both drivers are scored by
        // the model, then fail, and nothing is stored.
        var scorer = NewScorer(database, planJson: PlanJson, shippedModelDirectory: _model.Root);
        var first = await NewDriverAsync(database, "summary-unpriced-1");
        var second = await NewDriverAsync(database, "summary-unpriced-2");
        await AddTripsAsync(database, first, 5);
        await AddTripsAsync(database, second, 5);

        var result = await scorer.ScoreDriversAsync(new[] { first, second }, PeriodStart, PeriodEnd, Actor);

        Assert.Equal((2, 2), (result.Summary.Count, result.Summary.Failures));
        // Before: mean, percentiles and counts by category and version were those of the two unstored scores.
        Assert.Empty(result.Summary.ByModelVersion);
        Assert.All(result.Summary.ByCategory.Values, count => Assert.Equal(0, count));
        Assert.True(double.IsNaN(result.Summary.Mean));
        Assert.True(double.IsNaN(result.Summary.P95));
    }
}
