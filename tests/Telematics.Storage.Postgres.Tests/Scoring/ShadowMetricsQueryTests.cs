using Npgsql;

using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

public sealed class ShadowMetricsQueryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Stores a served score of <paramref name="experiment"/> and one shadow score per (variant, score) pair beside it.</summary>
    private async Task<long> ServedAsync(long driver, string experiment, DateTimeOffset at, double score, params (string Variant, double Score)[] shadows)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO risk_scores (driver_id, scored_at, period_start, period_end, score, category, raw_output, model_name, model_version, experiment, variant, features, contributions) " +
            "VALUES ($1, $2, $2 - interval '30 days', $2, $3, $4, 0, 'risk', '1', $5, 'control', '{}', '{}') RETURNING score_id",
            connection);
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver });
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = at.UtcDateTime });
        insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = score });
        insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)Telematics.Scoring.Results.RiskCategories.FromScore(score) });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = experiment });
        var scoreId = (long)(await insert.ExecuteScalarAsync())!;
        foreach (var (variant, shadow) in shadows)
        {
            await using var row = new NpgsqlCommand(
                "INSERT INTO shadow_scores (score_id, variant, driver_id, scored_at, period_start, period_end, experiment, model_name, model_version, score, category, raw_output) " +
                "SELECT score_id, $2, driver_id, scored_at, period_start, period_end, experiment, 'risk', '2', $3, $4, 0 FROM risk_scores WHERE score_id = $1",
                connection);
            row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = scoreId });
            row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = variant });
            row.Parameters.Add(new NpgsqlParameter<double> { TypedValue = shadow });
            row.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)Telematics.Scoring.Results.RiskCategories.FromScore(shadow) });
            await row.ExecuteNonQueryAsync();
        }

        return scoreId;
    }

    [Fact]
    public async Task Each_shadow_variant_reports_its_drivers_mean_and_the_share_that_agrees_with_the_served_category()
    {
        var a = await NewDriverAsync(database, "sm-a");
        var b = await NewDriverAsync(database, "sm-b");
        var c = await NewDriverAsync(database, "sm-c");
        // a: served 10 (excellent); nn 15 (excellent, agrees), gbm 30 (good).
        await ServedAsync(a, "sm", At, 10, ("nn", 15), ("gbm", 30));
        // b: an older score is superseded by the latest one, whose shadows alone count: served 50 (average); nn 90 (high).
        await ServedAsync(b, "sm", At.AddDays(-2), 50, ("nn", 55), ("gbm", 55));
        await ServedAsync(b, "sm", At, 50, ("nn", 90));
        // c: served 70 (below average); nn 75 agrees; gbm 61 agrees.
        await ServedAsync(c, "sm", At, 70, ("nn", 75), ("gbm", 61));

        var metrics = await new ShadowMetricsQuery(database.DataSource).ReadAsync("sm", At.AddDays(-10), At.AddDays(1));

        Assert.Equal(["gbm", "nn"], metrics.Select(m => m.Variant));
        Assert.Equal((2L, 45.5, 0.5), (metrics[0].ScoredDrivers, metrics[0].MeanScore, metrics[0].SameCategoryShare));
        Assert.Equal(3L, metrics[1].ScoredDrivers);
        Assert.Equal(60.0, metrics[1].MeanScore, 9);
        Assert.Equal(2.0 / 3, metrics[1].SameCategoryShare, 9);
    }

    /// <summary>Sets the interval of a stored served score, or of its shadow of <paramref name="variant"/>.</summary>
    private async Task IntervalAsync(long scoreId, string? variant, float low, float high)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var update = new NpgsqlCommand(
            variant is null
                ? "UPDATE risk_scores SET score_low = $2, score_high = $3 WHERE score_id = $1"
                : "UPDATE shadow_scores SET score_low = $2, score_high = $3 WHERE score_id = $1 AND variant = $4",
            connection);
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = scoreId });
        update.Parameters.Add(new NpgsqlParameter<float> { TypedValue = low });
        update.Parameters.Add(new NpgsqlParameter<float> { TypedValue = high });
        if (variant is not null)
        {
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = variant });
        }

        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_disagreement_counts_as_settled_only_when_both_intervals_settle_their_categories()
    {
        var scores = new long[6];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = await ServedAsync(await NewDriverAsync(database, $"settled-{i}"), "settled", At, i < 4 ? 30 : 40, ("nn", i < 4 ? 50 : 60));
        }

        await IntervalAsync(scores[0], null, 25, 35); // good, settled
        await IntervalAsync(scores[0], "nn", 45, 55); // average, settled: a settled disagreement
        await IntervalAsync(scores[1], null, 15, 45); // good, provisional
        await IntervalAsync(scores[1], "nn", 45, 55);
        await IntervalAsync(scores[2], null, 25, 35);
        await IntervalAsync(scores[2], "nn", 35, 55); // average, provisional
        // scores[3] has no interval on the served side: not among the drivers the share is of.
        await IntervalAsync(scores[3], "nn", 45, 55);
        await IntervalAsync(scores[4], null, 21, 40); // the upper bound is inclusive: 40 is still good, so settled
        await IntervalAsync(scores[4], "nn", 40.5f, 60); // average, settled: a settled disagreement
        await IntervalAsync(scores[5], null, 21, 40.5f); // good to average: provisional
        await IntervalAsync(scores[5], "nn", 40.5f, 60);

        var metrics = Assert.Single(await new ShadowMetricsQuery(database.DataSource).ReadAsync("settled", At.AddDays(-1), At.AddDays(1)));

        Assert.Equal((6L, 0.0), (metrics.ScoredDrivers, metrics.SameCategoryShare));
        Assert.Equal(2.0 / 5, metrics.SettledDisagreementShare!.Value, 9);
    }

    [Fact]
    public async Task Without_intervals_the_settled_disagreement_share_is_null()
    {
        await ServedAsync(await NewDriverAsync(database, "no-interval"), "no-interval", At, 30, ("nn", 50));

        var metrics = Assert.Single(await new ShadowMetricsQuery(database.DataSource).ReadAsync("no-interval", At.AddDays(-1), At.AddDays(1)));

        Assert.Null(metrics.SettledDisagreementShare);
    }

    [Fact]
    public async Task Scores_outside_the_period_or_of_another_experiment_are_not_counted()
    {
        var driver = await NewDriverAsync(database, "sm-out");
        await ServedAsync(driver, "sm-other", At, 40, ("nn", 40));
        await ServedAsync(driver, "sm-period", At.AddDays(-40), 40, ("nn", 40));

        var query = new ShadowMetricsQuery(database.DataSource);

        Assert.Empty(await query.ReadAsync("sm-period", At.AddDays(-10), At.AddDays(1)));
        Assert.Single(await query.ReadAsync("sm-period", At.AddDays(-50), At.AddDays(1)));
        await Assert.ThrowsAsync<ArgumentException>(() => query.ReadAsync("sm-period", At, At));
    }

    [Fact]
    public async Task The_shadow_join_reads_the_shadow_key_after_the_experiment_index()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        // Small test tables make a sequential scan cheapest; switching it off asks whether an index can serve the query.
        await using (var setting = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await setting.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + ShadowMetricsQuery.Sql, connection);
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "risk-2026q4" });
        explain.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = At.UtcDateTime.AddDays(-30) });
        explain.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = At.UtcDateTime });
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        var text = string.Join('\n', plan);
        Assert.Contains("risk_scores_experiment_time_idx", text, StringComparison.Ordinal);
        Assert.Contains("shadow_scores_pkey", text, StringComparison.Ordinal);
    }
}
