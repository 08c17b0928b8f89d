using Npgsql;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Ingest;

public sealed class IngestCommandTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly EventFiles _files = new();

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Ingest_stores_events_and_trips_and_a_second_run_stores_nothing_new()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"ingest-{Guid.NewGuid():N}", "Ingest test", new AuditActor("test"));
        var input = await _files.WriteTwoTripsAsync("events.csv");
        var id = driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var first = await CliRunner.RunAsync("ingest", "--input", input, "--driver", id, "--connection", database.ConnectionString);
        var second = await CliRunner.RunAsync("ingest", "--input", input, "--driver", id, "--connection", database.ConnectionString);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.Contains("read 1202, stored 1202, duplicates 0, rejected 0, trips 2", first.Output, StringComparison.Ordinal);
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.Contains("read 1202, stored 0, duplicates 1202, rejected 0, trips 2", second.Output, StringComparison.Ordinal);
        Assert.Equal(1202L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver.DriverId));
        Assert.Equal(2L, await CountAsync("SELECT count(*) FROM trips WHERE driver_id = $1", driver.DriverId));
    }

    [Fact]
    public async Task Ingest_for_a_driver_that_does_not_exist_stores_nothing_and_exits_3()
    {
        var input = await _files.WriteTwoTripsAsync("events.csv");

        var (exit, _, error) = await CliRunner.RunAsync("ingest", "--input", input, "--driver", "987654321", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("driver 987654321 does not exist", error, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", 987654321L));
    }

    private async Task<long> CountAsync(string sql, long driverId)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
