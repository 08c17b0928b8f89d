using Telematics.Cli.BatchScore;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;
using static Telematics.Cli.Tests.BatchScore.BatchScoreData;

namespace Telematics.Cli.Tests.BatchScore;

/// <summary>Uses --all on a database of its own, so no other test's drivers are in the run.</summary>
public sealed class BatchScoreResumeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_run_cancelled_after_two_chunks_resumes_after_them_and_scores_every_driver_exactly_once()
    {
        var drivers = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            drivers.Add(await DriverWithTripsAsync(database, $"resume-{i}", 3));
        }

        var to = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var plan = PricingPlanJson.Load(Path.Combine(AppContext.BaseDirectory, "pricing", "ubi-standard-2027.json"));
        using var registry = new ModelRegistry(new ModelRegistryOptions());
        var (host, runner, runs) = BatchScoreCommand.CreateRunner(database.DataSource, registry, plan);
        using var _ = host;
        // Started as the command starts it: the selection names the model and plan the command serves.
        var run = await runs.StartOrGetAsync("resume-1", "all " + BatchRunIdentity.Settings(registry, plan, planFile: null), to.AddDays(-30), to);
        using var stop = new CancellationTokenSource();
        var progress = new StopAfter(2, stop);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(run, null, 1, new AuditActor("test:resume"), progress, stop.Token));
        var interrupted = await runs.GetAsync("resume-1");
        var resumed = await CliRunner.RunAsync("batch-score", "--all", "--run-id", "resume-1", "--chunk", "1", "--connection", database.ConnectionString);

        Assert.Equal(2, interrupted!.ChunksDone);
        Assert.Equal(drivers[1], interrupted.LastDriverId);
        Assert.False(interrupted.IsFinished);
        Assert.True(resumed.Exit == ExitCodes.Success, resumed.Error);
        Assert.Contains($"resuming run resume-1 after driver {drivers[1]}", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("3 scored", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(5, await CountAsync(database, "SELECT count(*) FROM risk_scores"));
        Assert.Equal(5, await CountAsync(database, "SELECT count(DISTINCT driver_id) FROM risk_scores"));
        Assert.Equal(5, await CountAsync(database, "SELECT drivers_scored FROM scoring_runs WHERE run_id = 'resume-1' AND status = 'finished'"));
    }
}
