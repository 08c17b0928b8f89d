using Telematics.Scoring.Pricing;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// Repricing a stored score checks the whole fit of the plan for the model version that scored it (docs/pricing: "Every
/// quote checks the whole fit again"), not only its output kind; a version no longer served is refused, not waved through.
/// </summary>
public sealed class RepriceFitTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    private async Task<long> ScoredDriverAsync(string reference)
    {
        var driver = await NewDriverAsync(database, reference);
        await AddTripsAsync(database, driver, 10);
        var outcome = await NewScorer(database, planJson: RelativityPlanJson, shippedModelDirectory: _model.Root).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        Assert.Equal(Telematics.Service.Scoring.DriverScoreStatus.Scored, outcome.Status);
        return driver;
    }

    private Task<long> PremiumsAsync(long driver) => ScalarAsync(database.DataSource, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}");

    [Fact]
    public async Task A_stored_score_of_a_version_reading_a_feature_the_plan_now_prohibits_is_not_repriced()
    {
        var driver = await ScoredDriverAsync("reprice-prohibited");
        // The plan now prohibits a feature the shipped model reads.
        var plan = RelativityPlanJson.Replace("\"base_rate\"", "\"prohibited_features\": [\"speeding_share\"], \"base_rate\"", StringComparison.Ordinal);
        var scorer = NewScorer(database, planJson: plan, shippedModelDirectory: _model.Root);

        // Before: the output kind fitted, the features were never looked at, and the premium was stored.
        var error = await Assert.ThrowsAsync<PricingPlanException>(() => scorer.RepriceLatestAsync(driver, Actor));

        Assert.Equal("prohibited_features", error.Field);
        Assert.Contains("'speeding_share'", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await PremiumsAsync(driver));
        Assert.NotNull(await NewScorer(database, planJson: RelativityPlanJson, shippedModelDirectory: _model.Root).RepriceLatestAsync(driver, Actor));
    }

    [Fact]
    public async Task A_stored_score_of_a_version_no_longer_served_is_refused_under_a_score_plan_too()
    {
        var driver = await ScoredDriverAsync("reprice-gone");
        // Only the built-in rules are served now; a score plan never asked the registry, so no check ran at all.
        var scorer = NewScorer(database, planJson: PlanJson);

        var error = await Assert.ThrowsAsync<PricingPlanException>(() => scorer.RepriceLatestAsync(driver, Actor));

        Assert.Contains("not served any more", error.Message, StringComparison.Ordinal);
        Assert.Contains("telematics-frequency@", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await PremiumsAsync(driver));
    }
}
