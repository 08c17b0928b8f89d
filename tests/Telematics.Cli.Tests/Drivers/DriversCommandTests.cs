using Telematics.Cli;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Drivers;

public sealed class DriversCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Create_prints_the_numeric_id_and_stores_the_driver_with_an_audit_row()
    {
        var result = await CliRunner.RunAsync("drivers", "create", "--external-ref", "ndsbr-A", "--name", "NDS-BR driver A", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Success, result.Exit);
        var match = System.Text.RegularExpressions.Regex.Match(result.Output, @"^created driver (\d+) \(ndsbr-A\)");
        Assert.True(match.Success, result.Output);
        await using var check = database.DataSource.CreateCommand("SELECT count(*) FROM audit_log WHERE action = 'driver.create' AND resource = 'driver/' || $1");
        check.Parameters.Add(new Npgsql.NpgsqlParameter { Value = match.Groups[1].Value });
        Assert.Equal(1L, await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_taken_external_reference_is_an_input_error_naming_it()
    {
        await CliRunner.RunAsync("drivers", "create", "--external-ref", "dup'; DROP TABLE drivers; --", "--name", "x", "--connection", database.ConnectionString);
        var again = await CliRunner.RunAsync("drivers", "create", "--external-ref", "dup'; DROP TABLE drivers; --", "--name", "y", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, again.Exit);
        Assert.Contains("'dup'; DROP TABLE drivers; --' already exists", again.Error, StringComparison.Ordinal);
    }
}
