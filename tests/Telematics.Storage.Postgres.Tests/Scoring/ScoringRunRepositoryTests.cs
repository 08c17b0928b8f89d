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
