using Telematics.Cli.BatchScore;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using static Telematics.Cli.Tests.BatchScore.BatchScoreData;

namespace Telematics.Cli.Tests.BatchScore;

/// <summary>
/// A re-run or a resumed run exits by the run's stored failures, not only by the drivers of the call at hand: a script
/// that re-runs the command after a crash must not see success for a run whose earlier call had failures.
/// </summary>
public sealed class BatchScoreRunFailureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_finished_run_with_a_failed_driver_exits_1_when_run_again()
    {
        var driver = await DriverWithTripsAsync(database, "failed-again", 2);
        var unknown = await UnusedDriverIdAsync(database);
        var args = new[] { "batch-score", "--drivers", Ids(driver, unknown), "--run-id", "failed-again", "--connection", database.ConnectionString };

        var first = await CliRunner.RunAsync(args);
        var again = await CliRunner.RunAsync(args);

        Assert.Equal(ExitCodes.PartialFailure, first.Exit);
        Assert.Equal(ExitCodes.PartialFailure, again.Exit);
        Assert.Contains("already finished", again.Output, StringComparison.Ordinal);
        Assert.Contains("1 scored, 0 without trips, 1 failed; nothing written", again.Output, StringComparison.Ordinal);
        Assert.Contains("run failed-again finished with 1 drivers that failed", again.Error, StringComparison.Ordinal);
        // Only the call that met a driver lists it.
        Assert.DoesNotContain($"driver {unknown}:", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_finished_run_whose_only_unscored_drivers_had_no_trips_exits_0_when_run_again()
    {
        var driver = await DriverWithTripsAsync(database, "idle-again", 2);
        var idle = await DriverWithTripsAsync(database, "idle-again-idle", 0);
        var args = new[] { "batch-score", "--drivers", Ids(driver, idle), "--run-id", "idle-again", "--connection", database.ConnectionString };

        var first = await CliRunner.RunAsync(args);
        var again = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.True(again.Exit == ExitCodes.Success, again.Error);
        Assert.Contains("1 scored, 1 without trips, 0 failed; nothing written", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(database, "SELECT drivers_without_trips FROM scoring_runs WHERE run_id = 'idle-again'"));
    }

    [Fact]
    public async Task A_finished_run_stored_before_drivers_without_trips_were_counted_exits_0_and_says_its_failures_cannot_be_told()
    {
        var driver = await DriverWithTripsAsync(database, "legacy-again", 2);
        var unknown = await UnusedDriverIdAsync(database);
        var args = new[] { "batch-score", "--drivers", Ids(driver, unknown), "--run-id", "legacy-again", "--connection", database.ConnectionString };
        await CliRunner.RunAsync(args);
        // As a run finished before migration 0031 reads.
        await using (var forget = database.DataSource.CreateCommand("UPDATE scoring_runs SET drivers_without_trips = NULL WHERE run_id = 'legacy-again'"))
        {
            await forget.ExecuteNonQueryAsync();
        }

        var again = await CliRunner.RunAsync(args);

        Assert.True(again.Exit == ExitCodes.Success, again.Error);
        Assert.Contains("1 scored, 1 not scored; nothing written", again.Output, StringComparison.Ordinal);
        Assert.Contains("failures cannot be told from them", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_cancelled_after_a_chunk_with_a_failure_and_resumed_without_one_exits_1()
    {
        var a = await DriverWithTripsAsync(database, "resume-failed-a", 2);
        var unknown = await UnusedDriverIdAsync(database);
        var b = await DriverWithTripsAsync(database, "resume-failed-b", 2);
        var c = await DriverWithTripsAsync(database, "resume-failed-c", 2);
        long[] selected = [a, unknown, b, c];
        var to = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var plan = PricingPlanJson.Load(Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json"));
        using var registry = new ModelRegistry(new ModelRegistryOptions());
        var (host, runner, runs) = BatchScoreCommand.CreateRunner(database.DataSource, registry, plan);
        using var _ = host;
        // Started as the command starts it for these drivers, so that the command resumes it.
        var selection = BatchRunIdentity.DriverSelection(selected) + " " + BatchRunIdentity.Settings(registry, plan, planFile: null);
        var run = await runs.StartOrGetAsync("resume-failed", selection, to.AddDays(-30), to);
        using var stop = new CancellationTokenSource();

        // The first chunk (a and the unknown id) commits its failure; the cancellation stops the run before the second.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(run, selected, 2, new AuditActor("test:resume"), new StopAfter(1, stop), stop.Token));
        var interrupted = await runs.GetAsync("resume-failed");
        var resumed = await CliRunner.RunAsync("batch-score", "--drivers", Ids(selected), "--run-id", "resume-failed", "--chunk", "2", "--connection", database.ConnectionString);

        Assert.Equal(unknown, interrupted!.LastDriverId);
        Assert.Equal(ExitCodes.PartialFailure, resumed.Exit);
        Assert.Contains($"resuming run resume-failed after driver {unknown}", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("run resume-failed finished: 2 scored, 0 without trips", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("run resume-failed in all: 3 scored, 0 without trips, 1 failed", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("1 more drivers failed in earlier calls of this run (1 in all)", resumed.Error, StringComparison.Ordinal);
    }
}
