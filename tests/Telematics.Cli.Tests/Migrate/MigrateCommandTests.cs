using Telematics.Cli;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Migrate;

/// <summary>Each test class gets its own empty database, so the first run here really starts from nothing.</summary>
public sealed class MigrateCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Migrate_applies_every_migration_to_an_empty_database_and_then_reports_it_current()
    {
        var first = await CliRunner.RunAsync("migrate", "--connection", database.ConnectionString);
        var second = await CliRunner.RunAsync("migrate", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Success, first.Exit);
        Assert.StartsWith($"applied {MigrationRunner.Embedded.Count} of {MigrationRunner.Embedded.Count} migrations", first.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, second.Exit);
        Assert.StartsWith($"schema is current ({MigrationRunner.Embedded.Count} migrations)", second.Output, StringComparison.Ordinal);
    }
}
