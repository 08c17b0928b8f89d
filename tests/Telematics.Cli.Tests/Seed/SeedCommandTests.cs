using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Seed;

public sealed class SeedCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> CountAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Seeding_creates_the_drivers_with_events_and_trips_and_a_second_run_adds_nothing_and_says_so()
    {
        string[] args = ["seed", "--drivers", "3", "--days", "3", "--seed", "77", "--start", "2026-02-02", "--connection", database.ConnectionString];

        var first = await CliRunner.RunAsync(args);
        var drivers = await CountAsync("SELECT count(*) FROM drivers WHERE external_ref LIKE 'synth-77-%'");
        var events = await CountAsync("SELECT count(*) FROM telematics_events");
        var trips = await CountAsync("SELECT count(*) FROM trips");
        var second = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.StartsWith("seeded 3 drivers (0 already seeded)", first.Output, StringComparison.Ordinal);
        Assert.Equal(3, drivers);
        Assert.True(events > 1000, $"{events} events");
        Assert.True(trips > 0, $"{trips} trips");
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.StartsWith("nothing to do: all 3 drivers are already seeded", second.Output, StringComparison.Ordinal);
        Assert.Equal(events, await CountAsync("SELECT count(*) FROM telematics_events"));
        Assert.Equal(trips, await CountAsync("SELECT count(*) FROM trips"));
    }

    [Fact]
    public async Task Out_of_range_sizes_are_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("seed", "--drivers", "0", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--drivers must be 1 to 100,000", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("65")]
    public async Task A_parallelism_outside_1_to_64_is_a_usage_error_naming_the_option(string value)
    {
        var (exit, _, error) = await CliRunner.RunAsync("seed", "--drivers", "3", "--parallel", value, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--parallel must be 1 to 64, not {value}.", error, StringComparison.Ordinal);
    }
}
