using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using static Telematics.Cli.Tests.BatchScore.BatchScoreData;

namespace Telematics.Cli.Tests.BatchScore;

public sealed class BatchScoreCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_run_scores_every_selected_driver_and_running_it_again_writes_nothing()
    {
        var a = await DriverWithTripsAsync(database, "cli-a", 4);
        var b = await DriverWithTripsAsync(database, "cli-b", 2);
        var idle = await DriverWithTripsAsync(database, "cli-idle", 0);
        var args = new[] { "batch-score", "--drivers", Ids(a, b, idle), "--chunk", "2", "--run-id", "nightly-1", "--connection", database.ConnectionString };

        var first = await CliRunner.RunAsync(args);
        var second = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.Contains("run nightly-1 finished: 2 scored, 1 without trips", first.Output, StringComparison.Ordinal);
        Assert.Contains("chunk 2: 3/3 drivers", first.Output, StringComparison.Ordinal);
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.Contains("already finished", second.Output, StringComparison.Ordinal);
        Assert.Contains("nothing written", second.Output, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id IN ({Ids(a, b, idle)})"));
        Assert.Equal(2, await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id IN ({Ids(a, b, idle)})"));
        Assert.Equal(2, await CountAsync(database, "SELECT count(*) FROM audit_log WHERE action = 'score.batch' AND resource = 'scoring/run/nightly-1'"));
    }

    [Fact]
    public async Task A_cohort_of_thousands_of_driver_ids_is_scored_and_resumed_as_one_run()
    {
        // 3,000 seven-digit ids (most without a driver) write a list far past the 10,000 characters a run's selection holds.
        var driver = await DriverWithTripsAsync(database, "cli-cohort", 2);
        var ids = Enumerable.Range(0, 3_000).Select(i => 9_000_000L + i).Append(driver).ToArray();
        var args = new[] { "batch-score", "--drivers", Ids(ids), "--chunk", "500", "--run-id", "cohort-1", "--connection", database.ConnectionString };

        var first = await CliRunner.RunAsync(args);
        var second = await CliRunner.RunAsync(args);

        Assert.Equal(ExitCodes.PartialFailure, first.Exit);
        Assert.Contains("1 scored", first.Output, StringComparison.Ordinal);
        Assert.Contains("driver 9000019: No driver has this id.", first.Error, StringComparison.Ordinal);
        Assert.Contains("… and 2980 more drivers failed", first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", first.Error, StringComparison.Ordinal);
        Assert.Contains("already finished", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_over_a_past_period_scores_only_the_trips_before_its_end()
    {
        // Daily trips one to four days back; a period of two days ending two days back holds the oldest two.
        var driver = await DriverWithTripsAsync(database, "cli-past", 4);
        var end = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);

        var (exit, output, error) = await CliRunner.RunAsync(
            "batch-score", "--drivers", Ids(driver), "--period-days", "2", "--period-end", end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            "--connection", database.ConnectionString);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("1 scored", output, StringComparison.Ordinal);
        var start = end.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await CountAsync(database,
            $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND period_start = '{start}T00:00:00Z' AND period_end = '{end:yyyy-MM-dd}T00:00:00Z'"));
    }

    [Fact]
    public async Task A_run_with_two_writers_commits_every_chunk_in_order()
    {
        var ids = new long[5];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = await DriverWithTripsAsync(database, $"cli-w{i}", 2);
        }

        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(ids), "--chunk", "1", "--writers", "2", "--run-id", "two-writers", "--connection", database.ConnectionString);

        Assert.True(run.Exit == ExitCodes.Success, run.Error);
        Assert.Contains("run two-writers finished: 5 scored", run.Output, StringComparison.Ordinal);
        for (var chunk = 1; chunk <= 5; chunk++)
        {
            Assert.Contains($"chunk {chunk}: {chunk}/5 drivers (last id {ids[chunk - 1]})", run.Output, StringComparison.Ordinal);
        }

        Assert.Equal(5, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id IN ({Ids(ids)})"));
    }

    [Fact]
    public async Task A_run_id_reused_for_other_drivers_is_a_usage_error_that_writes_nothing()
    {
        var a = await DriverWithTripsAsync(database, "cli-c", 1);
        var b = await DriverWithTripsAsync(database, "cli-d", 1);
        var first = await CliRunner.RunAsync("batch-score", "--drivers", Ids(a), "--run-id", "reused", "--connection", database.ConnectionString);

        var second = await CliRunner.RunAsync("batch-score", "--drivers", Ids(b), "--run-id", "reused", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Success, first.Exit);
        Assert.Equal(ExitCodes.Usage, second.Exit);
        Assert.Contains("Use another --run-id", second.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {b}"));
    }

    // A copy of the demo plan under another name and base rate: another plan, as a re-priced book would be.
    private static string OtherPlan()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.json");
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json"));
        File.WriteAllText(path, text.Replace("\"ubi-standard-2027\"", "\"ubi-standard-2027-b\"", StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public async Task A_run_with_another_plan_the_same_day_is_another_run_and_scores_again()
    {
        var driver = await DriverWithTripsAsync(database, "cli-replan", 2);
        var plan = OtherPlan();

        var first = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--connection", database.ConnectionString);
        var again = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--connection", database.ConnectionString);
        var replanned = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--plan", plan, "--connection", database.ConnectionString);
        File.Delete(plan);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.Contains("already finished", again.Output, StringComparison.Ordinal);
        Assert.True(replanned.Exit == ExitCodes.Success, replanned.Error);
        Assert.DoesNotContain("already finished", replanned.Output, StringComparison.Ordinal);
        Assert.Contains("finished: 1 scored", replanned.Output, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(database, $"SELECT count(DISTINCT run_id) FROM scoring_runs WHERE selection LIKE 'drivers:{driver} %'"));
    }

    [Fact]
    public async Task A_run_id_resumed_with_another_plan_is_refused_naming_both()
    {
        var driver = await DriverWithTripsAsync(database, "cli-replan-id", 1);
        var plan = OtherPlan();

        var first = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--run-id", "replan-1", "--connection", database.ConnectionString);
        var second = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--run-id", "replan-1", "--plan", plan, "--connection", database.ConnectionString);
        File.Delete(plan);

        Assert.Equal(ExitCodes.Success, first.Exit);
        Assert.Equal(ExitCodes.Usage, second.Exit);
        Assert.Contains("plan:ubi-standard-2027#", second.Error, StringComparison.Ordinal);
        Assert.Contains("plan:ubi-standard-2027-b#", second.Error, StringComparison.Ordinal);
        Assert.Contains("Use another --run-id", second.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--all", "--drivers", "1")]
    [InlineData("--drivers", "1,x")]
    [InlineData("--all", "--period-days", "0")]
    [InlineData("--all", "--chunk", "0")]
    [InlineData("--all", "--writers", "0")]
    [InlineData("--all", "--writers", "9")]
    [InlineData("--all", "--period-end", "2999-01-01")]
    public async Task Bad_arguments_exit_2_naming_the_option(params string[] options)
    {
        var (exit, _, error) = await CliRunner.RunAsync(["batch-score", .. options, "--connection", database.ConnectionString]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--", error, StringComparison.Ordinal);
    }
}
