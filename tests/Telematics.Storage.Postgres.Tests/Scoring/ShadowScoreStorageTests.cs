using Telematics.Scoring.Experiments;
using Telematics.Scoring.Shipped;
using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>StoredDriverScorer stores the shadow variants' scores beside the served score, in its transaction.</summary>
public sealed class ShadowScoreStorageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    private Task<long> CountAsync(string sql) => ScalarAsync(database.DataSource, sql);

    /// <summary>Every driver served by builtin-rules@1 as <c>control</c>, with <paramref name="shadows"/> shadow variants on the same model.</summary>
    private static ExperimentDefinition Experiment(string name, int shadows)
    {
        var variants = new List<string> { """{ "name": "control", "model": "builtin-rules@1", "weight_bp": 10000 }""" };
        for (var i = 1; i <= shadows; i++)
        {
            variants.Add($$"""{ "name": "shadow-{{i}}", "model": "builtin-rules@1", "shadow": true }""");
        }

        return ExperimentJson.Parse($$"""{ "name": "{{name}}", "salt": "s-{{name}}", "variants": [ {{string.Join(", ", variants)}} ] }""");
    }

    [Fact]
    public async Task Each_shadow_variant_is_stored_once_per_scored_driver_beside_the_served_score_and_never_as_a_risk_score()
    {
        var a = await NewDriverAsync(database, "shadow-a");
        var b = await NewDriverAsync(database, "shadow-b");
        var idle = await NewDriverAsync(database, "shadow-idle");
        await AddTripsAsync(database, a, 4, nightShare: 0.01);
        await AddTripsAsync(database, b, 4, nightShare: 0.5, harsh: 8);

        var result = await NewScorer(database, Experiment("shadow-store", shadows: 2)).ScoreDriversAsync(new[] { a, b, idle }, PeriodStart, PeriodEnd, Actor);

        var served = result.Outcomes.Single(o => o.DriverId == b);
        Assert.Equal(2, served.Score!.ShadowScores.Count);
        Assert.Equal(4, await CountAsync($"SELECT count(*) FROM shadow_scores WHERE driver_id IN ({a}, {b}, {idle})"));
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id IN ({a}, {b}, {idle})"));
        // Each row points at its driver's served row, and carries the period, experiment, variant and model of the shadow.
        Assert.Equal(2, await CountAsync(
            $"SELECT count(*) FROM shadow_scores s JOIN risk_scores r USING (score_id) WHERE s.driver_id = {b} AND r.driver_id = {b} " +
            $"AND s.score_id = {served.ScoreId} AND s.scored_at = r.scored_at AND s.period_start = r.period_start AND s.period_end = r.period_end " +
            "AND s.experiment = 'shadow-store' AND s.variant IN ('shadow-1', 'shadow-2') AND s.model_name = 'builtin-rules' AND s.model_version = '1' " +
            "AND r.variant = 'control'"));
        // The shadows score with the served model here, so they agree with it to the last digit.
        Assert.Equal(2, await CountAsync(
            $"SELECT count(*) FROM shadow_scores s JOIN risk_scores r USING (score_id) WHERE s.driver_id = {b} " +
            "AND s.score = r.score AND s.category = r.category AND s.raw_output = r.raw_output"));
    }

    [Fact]
    public async Task A_shadow_of_a_model_with_sampling_noise_stores_its_interval_and_a_shadow_of_the_rules_none()
    {
        var driver = await NewDriverAsync(database, "shadow-interval");
        await AddTripsAsync(database, driver, 10, nightShare: 0.3, harsh: 4);
        var experiment = ExperimentJson.Parse($$"""
            { "name": "shadow-interval", "salt": "s-interval", "variants": [
              { "name": "control", "model": "builtin-rules@1", "weight_bp": 10000 },
              { "name": "noisy", "model": "{{ShippedModel.Name}}@{{ShippedModel.Version}}", "shadow": true },
              { "name": "rules", "model": "builtin-rules@1", "shadow": true } ] }
            """);

        // The served rules model outputs a score, priced by the score plan; the shipped model is only a shadow.
        var outcome = await NewScorer(database, experiment, planJson: PlanJson, shippedModelDirectory: _model.Root).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        var noisy = outcome.Score!.ShadowScores.Single(s => s.ModelName == ShippedModel.Name).Interval!.Value;
        Assert.True(noisy.Low < noisy.High, $"Ten trips give the shipped model's interval some width, not {noisy}.");
        Assert.Equal(1, await CountAsync(
            $"SELECT count(*) FROM shadow_scores WHERE score_id = {outcome.ScoreId} AND variant = 'noisy' " +
            $"AND score_low = {(float)noisy.Low:R}::real AND score_high = {(float)noisy.High:R}::real"));
        Assert.Equal(1, await CountAsync(
            $"SELECT count(*) FROM shadow_scores WHERE score_id = {outcome.ScoreId} AND variant = 'rules' AND score_low IS NULL AND score_high IS NULL"));
    }

    [Fact]
    public async Task Nothing_is_stored_as_shadow_when_the_experiment_has_no_shadow_variant_or_there_is_no_experiment()
    {
        var a = await NewDriverAsync(database, "noshadow-a");
        var b = await NewDriverAsync(database, "noshadow-b");
        await AddTripsAsync(database, a, 3);
        await AddTripsAsync(database, b, 3);

        var inExperiment = await NewScorer(database, Experiment("no-shadow", shadows: 0)).ScoreDriverAsync(a, PeriodStart, PeriodEnd, Actor);
        var champion = await NewScorer(database).ScoreDriverAsync(b, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Scored, inExperiment.Status);
        Assert.Equal(DriverScoreStatus.Scored, champion.Status);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM shadow_scores WHERE driver_id IN ({a}, {b})"));
    }

    [Fact]
    public async Task Shadow_scores_are_rolled_back_with_a_chunk_that_is_refused()
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);
        var a = await NewDriverAsync(database, "shadow-run-a");
        var b = await NewDriverAsync(database, "shadow-run-b");
        await AddTripsAsync(database, a, 2);
        await AddTripsAsync(database, b, 2);
        await runs.StartOrGetAsync("shadow-run", "all", PeriodStart, PeriodEnd);
        var scorer = NewScorer(database, Experiment("shadow-run", shadows: 1));
        await scorer.ScoreRunChunkAsync("shadow-run", new[] { b }, PeriodStart, PeriodEnd, Actor);

        // The run is already past a: scores, premiums and shadows are written, then the run check refuses the chunk.
        await Assert.ThrowsAsync<InvalidOperationException>(() => scorer.ScoreRunChunkAsync("shadow-run", new[] { a }, PeriodStart, PeriodEnd, Actor));

        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM shadow_scores WHERE driver_id = {a}"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM risk_scores WHERE driver_id = {a}"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM shadow_scores WHERE driver_id = {b}"));
    }

    [Fact]
    public async Task Deleting_a_served_score_deletes_its_shadow_scores()
    {
        var driver = await NewDriverAsync(database, "shadow-cascade");
        await AddTripsAsync(database, driver, 2);
        var outcome = await NewScorer(database, Experiment("shadow-cascade", shadows: 1)).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        await ExecuteAsync(database.DataSource, $"DELETE FROM risk_scores WHERE score_id = {outcome.ScoreId}");

        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM shadow_scores WHERE score_id = {outcome.ScoreId}"));
    }
}
