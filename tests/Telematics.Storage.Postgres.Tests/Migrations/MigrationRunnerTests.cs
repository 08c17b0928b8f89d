using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.Migrations;

public sealed class MigrationRunnerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_a_rerun_is_a_no_op()
    {
        var runner = new MigrationRunner(database.DataSource);
        var first = await runner.ApplyAsync();
        Assert.Equal(MigrationRunner.Embedded.Select(m => m.Version), first);

        var second = await runner.ApplyAsync();
        Assert.Empty(second);
        Assert.Equal(MigrationRunner.Embedded.Count, await StorageTestContext.ScalarAsync(database.DataSource, "SELECT count(*) FROM schema_migrations"));
        foreach (var table in new[] { "drivers", "vehicles", "trips", "telematics_events", "risk_scores", "premiums", "audit_log", "audit_anchors" })
        {
            Assert.Equal(1, await StorageTestContext.ScalarAsync(database.DataSource, $"SELECT count(*) FROM pg_class WHERE relname = '{table}'"));
        }
    }

    [Fact]
    public async Task Two_runners_started_together_apply_each_migration_once()
    {
        var other = new PostgresDatabase();
        await other.InitializeAsync();
        try
        {
            var results = await Task.WhenAll(new MigrationRunner(other.DataSource).ApplyAsync(), new MigrationRunner(other.DataSource).ApplyAsync());
            Assert.Equal(MigrationRunner.Embedded.Count, results[0].Count + results[1].Count);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_changed_applied_migration_is_an_error_naming_it()
    {
        var other = new PostgresDatabase();
        await other.InitializeAsync();
        try
        {
            await new MigrationRunner(other.DataSource).ApplyAsync();
            await StorageTestContext.ExecuteAsync(other.DataSource, "UPDATE schema_migrations SET checksum = '\\x00' WHERE version = 2");
            var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(other.DataSource).ApplyAsync());
            Assert.Equal("0002_telematics_events.sql", error.MigrationName);
            Assert.Contains("0002_telematics_events.sql", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_failing_migration_rolls_back_whole()
    {
        var other = new PostgresDatabase();
        await other.InitializeAsync();
        try
        {
            // A premiums table already existing makes 0001 fail after some of its statements ran.
            await StorageTestContext.ExecuteAsync(other.DataSource, "CREATE TABLE premiums (x int)");
            var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(other.DataSource).ApplyAsync());
            Assert.Equal("0001_core_tables.sql", error.MigrationName);
            Assert.Equal(0, await StorageTestContext.ScalarAsync(other.DataSource, "SELECT count(*) FROM pg_class WHERE relname IN ('drivers', 'trips')"));

            await StorageTestContext.ExecuteAsync(other.DataSource, "DROP TABLE premiums");
            Assert.Equal(MigrationRunner.Embedded.Count, (await new MigrationRunner(other.DataSource).ApplyAsync()).Count);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }
}
