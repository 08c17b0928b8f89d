using Npgsql;

using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

public sealed class ScoringRunRepositoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_chunk_advances_its_run_in_the_same_transaction_and_a_replayed_chunk_is_refused_without_writing()
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);
        var a = await NewDriverAsync(database, "run-a");
        var b = await NewDriverAsync(database, "run-b");
        await AddTripsAsync(database, a, 2);
        await AddTripsAsync(database, b, 2);
        await runs.StartOrGetAsync("run-1", "all", PeriodStart, PeriodEnd);
        var scorer = NewScorer(database);

        var chunk = await scorer.ScoreRunChunkAsync("run-1", new[] { a, b }, PeriodStart, PeriodEnd, Actor);
        var run = await runs.GetAsync("run-1");
        await Assert.ThrowsAsync<InvalidOperationException>(() => scorer.ScoreRunChunkAsync("run-1", new[] { a, b }, PeriodStart, PeriodEnd, Actor));

        Assert.Equal(0, chunk.Summary.Failures);
        Assert.Equal(b, run!.LastDriverId);
        Assert.Equal(1, run.ChunksDone);
        Assert.Equal(2, run.DriversScored);
        Assert.Equal(2, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id IN ({a}, {b})"));
    }

    [Fact]
    public async Task A_run_counts_its_drivers_without_trips_apart_from_its_failures_and_a_refused_chunk_counts_nothing()
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);
        var active = await NewDriverAsync(database, "run-active");
        var idle = await NewDriverAsync(database, "run-idle");
        await AddTripsAsync(database, active, 2);
        var unknown = idle + 1_000_000;
        var started = await runs.StartOrGetAsync("run-3", "all", PeriodStart, PeriodEnd);
        var scorer = NewScorer(database);

        await scorer.ScoreRunChunkAsync("run-3", new[] { active, idle, unknown }, PeriodStart, PeriodEnd, Actor);
        await Assert.ThrowsAsync<InvalidOperationException>(() => scorer.ScoreRunChunkAsync("run-3", new[] { idle }, PeriodStart, PeriodEnd, Actor));
        var run = await runs.GetAsync("run-3");

        Assert.Equal(0, started.DriversWithoutTrips);
        Assert.Equal(1, run!.DriversScored);
        Assert.Equal(2, run.DriversFailed);
        Assert.Equal(1, run.DriversWithoutTrips);
    }

    [Fact]
    public async Task A_run_stored_before_migration_0031_reads_no_count_of_drivers_without_trips_and_keeps_none_when_resumed()
    {
        var other = new PostgresDatabase();
        await other.InitializeAsync();
        try
        {
            await ApplyMigrationsBeforeAsync(other.DataSource, 31);
            // As the repository wrote a run before 0031, interrupted after a chunk of one scored and one unscored driver
            // (since gone: the driver the resumed run scores is the database's first).
            await ExecuteAsync(other.DataSource,
                "INSERT INTO scoring_runs (run_id, selection, period_start, period_end, started_at, status, last_driver_id, chunks_done, drivers_scored, drivers_failed) " +
                "VALUES ('legacy', 'all', '2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z', now(), 'running', 0, 1, 1, 1)");

            // 0031 and whatever came after it.
            Assert.Equal(31, (await new MigrationRunner(other.DataSource).ApplyAsync())[0]);
            var runs = new ScoringRunRepository(other.DataSource, TimeProvider.System);
            var legacy = await runs.GetAsync("legacy");
            var idle = await NewDriverAsync(other, "legacy-idle");
            await NewScorer(other).ScoreRunChunkAsync("legacy", new[] { idle }, PeriodStart, PeriodEnd, Actor);
            var resumed = await runs.GetAsync("legacy");

            Assert.Null(legacy!.DriversWithoutTrips);
            Assert.Equal(1, legacy.DriversFailed);
            Assert.Equal(2, resumed!.DriversFailed);
            Assert.Null(resumed.DriversWithoutTrips);
            Assert.Equal(0, (await runs.StartOrGetAsync("after-0031", "all", PeriodStart, PeriodEnd)).DriversWithoutTrips);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    // The migrations before version, applied and recorded as MigrationRunner does, so that the runner then applies the rest.
    private static async Task ApplyMigrationsBeforeAsync(NpgsqlDataSource dataSource, int version)
    {
        await ExecuteAsync(dataSource,
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum bytea NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var migration in MigrationRunner.Embedded.Where(m => m.Version < version))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync();
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                record.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = migration.Checksum.ToArray() });
                await record.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    [Fact]
    public async Task Starting_an_existing_run_returns_it_unchanged_and_a_finished_run_stays_finished()
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);

        var first = await runs.StartOrGetAsync("run-2", "drivers:1,2", PeriodStart, PeriodEnd);
        var again = await runs.StartOrGetAsync("run-2", "all", PeriodStart.AddDays(1), PeriodEnd.AddDays(1));
        var finished = await runs.FinishAsync("run-2");

        Assert.Equal(first, again);
        Assert.Equal("drivers:1,2", again.Selection);
        Assert.True(finished.IsFinished);
        Assert.True((await runs.StartOrGetAsync("run-2", "all", PeriodStart, PeriodEnd)).IsFinished);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public async Task An_invalid_run_id_is_refused(string runId)
    {
        var runs = new ScoringRunRepository(database.DataSource, TimeProvider.System);

        Assert.False(ScoringRunRepository.IsValidRunId(runId));
        await Assert.ThrowsAsync<ArgumentException>(() => runs.StartOrGetAsync(runId, "all", PeriodStart, PeriodEnd));
    }
}
