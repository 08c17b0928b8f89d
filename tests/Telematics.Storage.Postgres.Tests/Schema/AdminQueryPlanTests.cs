using Npgsql;

using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Dashboard;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Schema;

/// <summary>The admin reads (dashboards, experiment metrics, audit listing) use the indexes named for them, with their real SQL and parameters.</summary>
public sealed class AdminQueryPlanTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTime From = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private static NpgsqlParameter Null(NpgsqlTypes.NpgsqlDbType type) => new() { NpgsqlDbType = type, Value = DBNull.Value };

    // Small test tables make a sequential scan cheapest; switching it off asks whether an index can serve the query.
    private Task<string> PlanAsync(string query, params object[] values) => PlanUsingAsync("SET enable_seqscan = off", query, values);

    private async Task<string> PlanUsingAsync(string settings, string query, params object[] values)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using (var setting = new NpgsqlCommand(settings, connection))
        {
            await setting.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + query, connection);
        foreach (var value in values)
        {
            explain.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    [Fact]
    public async Task Latest_score_per_driver_probes_the_driver_time_index_once_per_driver()
    {
        var plan = await PlanAsync(DashboardQueries.LatestScorePerDriver, From, To);

        Assert.Contains("risk_scores_driver_time_idx", plan, StringComparison.Ordinal);
        Assert.Contains("Limit", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_premium_per_driver_uses_the_premium_time_index()
    {
        var plan = await PlanAsync(DashboardQueries.LatestPremiumsSql, From, To);

        Assert.Contains("premiums_driver_time_idx", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DashboardQueries.TripsInPeriodSql)]
    [InlineData(DashboardQueries.TripActivitySql)]
    public async Task Trips_of_every_driver_in_a_period_are_read_through_the_start_time_index(string sql)
    {
        var plan = await PlanAsync(sql, From, To);

        Assert.Contains("trips_started_at_idx", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiment_metrics_read_the_partial_experiment_index()
    {
        var plan = await PlanAsync(ExperimentMetricsQuery.Sql, "risk-2026q4", From, To);

        Assert.Contains("risk_scores_experiment_time_idx", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_rows_of_one_action_use_the_action_index()
    {
        var plan = await PlanAsync(
            AuditReader.Sql,
            "model.promote",
            Null(NpgsqlTypes.NpgsqlDbType.Text),
            Null(NpgsqlTypes.NpgsqlDbType.Text),
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            50,
            0L);

        Assert.Contains("audit_log_action_idx", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.promote", null, "audit_log_action_idx")]
    [InlineData(null, "driver/12", "audit_log_resource_idx")]
    [InlineData(null, null, "audit_log_pkey")]
    public async Task A_keyset_audit_page_starts_at_the_cursor_inside_the_index(string? action, string? resource, string index)
    {
        // Bitmap scans are off too: on a tiny table a bitmap scan plus a sort is cheapest, which hides whether the index
        // alone can deliver the rows in order (as it does on a real log, where the page's LIMIT stops the scan early).
        var plan = await PlanUsingAsync(
            "SET enable_seqscan = off; SET enable_bitmapscan = off",
            AuditReader.KeysetSql,
            action is null ? Null(NpgsqlTypes.NpgsqlDbType.Text) : action,
            resource is null ? Null(NpgsqlTypes.NpgsqlDbType.Text) : resource,
            Null(NpgsqlTypes.NpgsqlDbType.Text),
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            1_000L,
            51);

        // The cursor is an index condition (a range start), not a filter over rows already read; and no sort.
        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.Matches(@"Index Cond: \(.*seq < ", plan);
        Assert.False(plan.Contains("Sort", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task Audit_rows_of_one_actor_use_the_actor_index()
    {
        var plan = await PlanUsingAsync(
            "SET enable_seqscan = off; SET enable_bitmapscan = off",
            AuditReader.KeysetSql,
            Null(NpgsqlTypes.NpgsqlDbType.Text),
            Null(NpgsqlTypes.NpgsqlDbType.Text),
            "cli:ops",
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            Null(NpgsqlTypes.NpgsqlDbType.TimestampTz),
            1_000L,
            51);

        Assert.Contains("audit_log_actor_idx", plan, StringComparison.Ordinal);
        Assert.False(plan.Contains("Sort", StringComparison.Ordinal), plan);
    }
}
