using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>Each test selects its own drivers, so the tests sharing this database never score each other's.</summary>
public sealed class ScoringRunnerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_run_in_overlapping_chunks_scores_every_driver_once_and_commits_the_chunks_in_order(int writers)
    {
        var (runner, runs) = NewRunner(writers);
        var drivers = await DriversAsync($"order{writers}", 7, withoutTrips: 3);
        var run = await runs.StartOrGetAsync($"order-run-{writers}", $"drivers:order{writers}", PeriodStart, PeriodEnd);
        var progress = new Recorder();

        var report = await runner.RunAsync(run, drivers, chunkSize: 2, Actor, progress);

        Assert.Equal(6, report.Scored);
        Assert.Equal(1, report.NoTrips);
        Assert.Empty(report.Failed);
        Assert.True(report.Run.IsFinished);
        Assert.Equal(4, report.Run.ChunksDone);
        Assert.Equal([1, 2, 3, 4], progress.Seen.Select(p => p.Chunk));
        Assert.Equal([drivers[1], drivers[3], drivers[5], drivers[6]], progress.Seen.Select(p => p.LastDriverId));
        Assert.Equal(6, await ScalarAsync(database.DataSource, $"SELECT count(DISTINCT driver_id) FROM risk_scores WHERE driver_id = ANY('{{{string.Join(',', drivers)}}}')"));
        Assert.Equal(6, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM premiums WHERE driver_id = ANY('{{{string.Join(',', drivers)}}}')"));
        Assert.Equal(4, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM audit_log WHERE resource = 'scoring/run/order-run-{writers}'"));
    }

    [Fact]
    public async Task A_run_cancelled_after_a_chunk_keeps_only_committed_chunks_and_resumes_after_them()
    {
        var (runner, runs) = NewRunner();
        var drivers = await DriversAsync("cancel", 6, withoutTrips: -1);
        var run = await runs.StartOrGetAsync("cancel-run", "drivers:cancel", PeriodStart, PeriodEnd);
        using var stop = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(run, drivers, 2, Actor, new Recorder(stop, after: 1), stop.Token));
        var interrupted = (await runs.GetAsync("cancel-run"))!;
        var stored = await ScoresOfAsync(drivers);
        var resumed = await runner.RunAsync(interrupted, drivers, 2, Actor);

        Assert.Equal(1, interrupted.ChunksDone);
        Assert.Equal(drivers[1], interrupted.LastDriverId);
        Assert.Equal(2, stored);
        Assert.Equal(4, resumed.Scored);
        Assert.Equal(6, await ScoresOfAsync(drivers));
        Assert.Equal(6, await ScalarAsync(database.DataSource, $"SELECT count(DISTINCT driver_id) FROM risk_scores WHERE driver_id = ANY('{{{string.Join(',', drivers)}}}')"));
    }

    [Fact]
    public async Task A_chunk_refused_at_store_stops_the_run_and_the_chunk_computed_meanwhile_is_not_written()
    {
        var (runner, runs) = NewRunner();
        var drivers = await DriversAsync("stale", 6, withoutTrips: -1);
        var stale = await runs.StartOrGetAsync("stale-run", "drivers:stale", PeriodStart, PeriodEnd);
        // Another invocation commits the first two chunks; this one still holds the run as it was before them.
        await runner.RunAsync(stale, drivers[..4], 2, Actor);

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(stale, drivers, 2, Actor));

        Assert.Equal(4, await ScoresOfAsync(drivers));
        Assert.Equal(drivers[3], (await runs.GetAsync("stale-run"))!.LastDriverId);
    }

    [Fact]
    public async Task A_chunk_that_fails_while_the_next_is_written_beside_it_takes_the_next_down_with_it()
    {
        var (runner, runs) = NewRunner(writers: 2);
        var drivers = await DriversAsync("beside", 6, withoutTrips: -1);
        var run = await runs.StartOrGetAsync("beside-run", "drivers:beside", PeriodStart, PeriodEnd);
        // The second chunk's first score fails half a second into its COPY: by then the third chunk has written its rows
        // beside it and waits to commit. It must roll back, or the run would have a hole before its last driver.
        await ExecuteAsync(database.DataSource, $"""
            CREATE FUNCTION beside_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_sleep(0.5); RAISE EXCEPTION 'refused for driver %', NEW.driver_id; END $$;
            CREATE TRIGGER beside_refuse BEFORE INSERT ON risk_scores FOR EACH ROW WHEN (NEW.driver_id = {drivers[2]}) EXECUTE FUNCTION beside_refuse();
            """);
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => runner.RunAsync(run, drivers, 2, Actor));

            Assert.Contains("refused for driver", failure.Message, StringComparison.Ordinal);
            Assert.Equal(2, await ScoresOfAsync(drivers));
            Assert.Equal(drivers[1], (await runs.GetAsync("beside-run"))!.LastDriverId);
            Assert.Equal(1, await ScalarAsync(database.DataSource, "SELECT count(*) FROM audit_log WHERE resource = 'scoring/run/beside-run'"));
        }
        finally
        {
            await ExecuteAsync(database.DataSource, "DROP TRIGGER beside_refuse ON risk_scores; DROP FUNCTION beside_refuse()");
        }

        var resumed = await runner.RunAsync((await runs.GetAsync("beside-run"))!, drivers, 2, Actor);

        Assert.Equal(4, resumed.Scored);
        Assert.Equal(6, await ScoresOfAsync(drivers));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ScoringRunner.MaxWriters + 1)]
    public void A_writer_count_outside_1_to_8_is_refused(int writers) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NewRunner(writers));

    [Fact]
    public async Task A_finished_run_writes_nothing()
    {
        var (runner, runs) = NewRunner();
        var drivers = await DriversAsync("done", 2, withoutTrips: -1);
        var run = await runs.StartOrGetAsync("done-run", "drivers:done", PeriodStart, PeriodEnd);
        var first = await runner.RunAsync(run, drivers, 5, Actor);

        var again = await runner.RunAsync(first.Run, drivers, 5, Actor);

        Assert.True(again.AlreadyFinished);
        Assert.Equal(0, again.Scored);
        Assert.Equal(2, await ScoresOfAsync(drivers));
    }

    private (ScoringRunner Runner, ScoringRunRepository Runs) NewRunner(int writers = 1)
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);
        return (new ScoringRunner(NewScorer(database), runs, writers), runs);
    }

    // Drivers in ascending id order, each with two trips in the period except the one at index withoutTrips.
    private async Task<long[]> DriversAsync(string prefix, int count, int withoutTrips)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await NewDriverAsync(database, $"{prefix}-{i}");
            if (i != withoutTrips)
            {
                await AddTripsAsync(database, ids[i], 2);
            }
        }

        return ids;
    }

    private Task<long> ScoresOfAsync(long[] drivers) =>
        ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = ANY('{{{string.Join(',', drivers)}}}')");

    private sealed class Recorder(CancellationTokenSource? stop = null, int after = int.MaxValue) : IProgress<ScoringRunProgress>
    {
        public List<ScoringRunProgress> Seen { get; } = [];

        public void Report(ScoringRunProgress value)
        {
            Seen.Add(value);
            if (value.Chunk >= after)
            {
                stop!.Cancel();
            }
        }
    }
}
