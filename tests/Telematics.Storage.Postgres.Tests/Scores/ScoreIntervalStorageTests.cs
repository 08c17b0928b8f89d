using Npgsql;

using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scores;

/// <summary>A score's 90 % interval (migration 0024) is stored by both writers of <c>risk_scores</c> and read back; a score without one stays without.</summary>
public sealed class ScoreIntervalStorageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset January = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    private static RiskScoreRecord Score(long driverId, DateTimeOffset at, double score) =>
        new(driverId, at, at.AddDays(-30), at, score, RiskCategories.FromScore(score), 0.05, "gbm", "3", null, null, [1f, 2f], [0.5f, -0.25f]);

    [Fact]
    public async Task The_batch_copy_stores_the_interval_of_a_model_with_sampling_noise_and_none_for_the_rules()
    {
        var noisy = await NewDriverAsync(database, "interval-copy");
        var rules = await NewDriverAsync(database, "interval-copy-rules");
        await AddTripsAsync(database, noisy, 10, nightShare: 0.3, harsh: 4);
        await AddTripsAsync(database, rules, 10);

        var scored = await NewScorer(database, shippedModelDirectory: _model.Root).ScoreDriverAsync(noisy, PeriodStart, PeriodEnd, Actor);
        var unnoised = await NewScorer(database).ScoreDriverAsync(rules, PeriodStart, PeriodEnd, Actor);
        var reader = new StoredScoreReader(database.DataSource);
        var stored = (await reader.LatestAsync(noisy))!;
        var storedRules = (await reader.LatestAsync(rules))!;

        var interval = scored.Score!.Interval!.Value;
        Assert.True(interval.Low < interval.High, $"A model with sampling noise gives 10 trips an interval of some width, not {interval}.");
        Assert.Equal(scored.ScoreId, stored.Record.ScoreId);
        Assert.Equal(new ScoreInterval((float)interval.Low, (float)interval.High, SamplingNoise.Level), stored.Record.Interval);
        // The columns after the interval are still read from their own ordinals.
        Assert.Equal(scored.Score.ReferenceScore, stored.ReferenceScore);
        Assert.Null(unnoised.Score!.Interval);
        Assert.Null(storedRules.Record.Interval);
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE score_id = {unnoised.ScoreId} AND score_low IS NULL AND score_high IS NULL"));
    }

    [Fact]
    public async Task The_repository_insert_stores_the_interval_and_a_score_without_one_reads_back_null()
    {
        var driver = await NewDriverAsync(database, "interval-insert");
        var scores = new ScoreRepository(database.DataSource, TimeProvider.System);
        await scores.AddAsync(Score(driver, January, 47) with { Interval = new ScoreInterval(38.25, 56.5, SamplingNoise.Level) }, Actor);
        await scores.AddAsync(Score(driver, January.AddDays(1), 30), Actor);

        var history = await scores.HistoryAsync(driver, limit: 2);
        var page = await new StoredScoreReader(database.DataSource).ScoresAsync(driver, 1, 2);

        Assert.Null(history[0].Interval);
        Assert.Equal(new ScoreInterval(38.25, 56.5, SamplingNoise.Level), history[1].Interval);
        Assert.False(history[1].Interval!.Value.SettlesCategory);
        Assert.Equal(history.Select(s => s.Interval), page.Select(s => s.Record.Interval));
    }

    [Theory]
    [InlineData(60f, 50f)]
    [InlineData(-1f, 10f)]
    [InlineData(90f, 101f)]
    [InlineData(5f, null)]
    [InlineData(null, 5f)]
    public async Task The_table_refuses_an_interval_out_of_order_off_the_scale_or_with_one_end(float? low, float? high)
    {
        var driver = await NewDriverAsync(database, "interval-check-" + Guid.NewGuid().ToString("N"));
        var id = await new ScoreRepository(database.DataSource, TimeProvider.System).AddAsync(Score(driver, January, 40), Actor);

        await using var update = database.DataSource.CreateCommand("UPDATE risk_scores SET score_low = $1, score_high = $2 WHERE score_id = $3");
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)low ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Real });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)high ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Real });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        var error = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());

        Assert.Equal((PostgresErrorCodes.CheckViolation, "risk_scores_interval_check"), (error.SqlState, error.ConstraintName));
    }
}
