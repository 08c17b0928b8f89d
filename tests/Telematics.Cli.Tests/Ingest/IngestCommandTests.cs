using Npgsql;

using Telematics.Service.Storage;
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
    public async Task A_file_of_many_chunks_is_stored_whole_with_one_trips_audit_row_and_a_rerun_audits_nothing()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"ingest-{Guid.NewGuid():N}", "Ingest chunks", new AuditActor("test"));
        var input = await _files.WriteTripsAsync("many.csv", 120);
        var id = driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string Audit = "SELECT count(*) FROM audit_log WHERE resource = $1 AND action = ";

        var first = await CliRunner.RunAsync("ingest", "--input", input, "--driver", id, "--connection", database.ConnectionString);
        var eventRows = await CountAsync(Audit + "'events.ingest'", $"driver/{id}");
        var tripRows = await CountAsync(Audit + "'trips.close'", $"driver/{id}");
        var auditAfterFirst = await CountAsync("SELECT count(*) FROM audit_log WHERE resource = $1 OR resource LIKE $1 || '/%'", $"driver/{id}");
        var second = await CliRunner.RunAsync("ingest", "--input", input, "--driver", id, "--connection", database.ConnectionString);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.Contains("stored 72120, duplicates 0, rejected 0, trips 120", first.Output, StringComparison.Ordinal);
        // Every batch of up to 65,536 events is its own transaction with its audit row; the 120 trips share one.
        Assert.Equal(2L, eventRows);
        Assert.Equal(1L, tripRows);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'trip.close' AND resource LIKE $1 || '/%'", $"driver/{id}"));
        Assert.Equal(72120L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver.DriverId));
        Assert.Equal(120L, await CountAsync("SELECT count(*) FROM trips WHERE driver_id = $1", driver.DriverId));
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.Contains("stored 0, duplicates 72120", second.Output, StringComparison.Ordinal);
        Assert.Equal(auditAfterFirst, await CountAsync("SELECT count(*) FROM audit_log WHERE resource = $1 OR resource LIKE $1 || '/%'", $"driver/{id}"));
    }

    [Fact]
    public async Task A_file_not_in_time_order_is_stored_whole_and_its_late_rows_counted_out_of_the_trips()
    {
        // As `features` reads it (FeaturesUnsortedInputTests): 15 trips, the first listed last, behind an earlier chunk.
        // features names those rows as not in time order; ingest stores every row as an event, as the host does.
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"ingest-{Guid.NewGuid():N}", "Ingest unsorted", new AuditActor("test"));
        var input = await _files.WriteTripsAsync("unsorted.csv", 15);
        var lines = await File.ReadAllLinesAsync(input);
        await File.WriteAllLinesAsync(input, [lines[0], .. lines[602..], .. lines[1..602]]);
        var id = driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exit, output, error) = await CliRunner.RunAsync("ingest", "--input", input, "--driver", id, "--connection", database.ConnectionString);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("read 9015, stored 9015, duplicates 0, rejected 0, trips 14", output, StringComparison.Ordinal);
        Assert.Equal(9015L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver.DriverId));
        Assert.Contains("601 events came after later ones (the file is not in time order): stored, but left out of the trips", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // with --tz the driver is looked up while the file is read, and the batches wait for the answer
    public async Task Ingest_for_a_driver_that_does_not_exist_stores_nothing_and_exits_3(bool zoneGiven)
    {
        var input = await _files.WriteTwoTripsAsync("events.csv");
        string[] zone = zoneGiven ? ["--tz", "UTC"] : [];

        var (exit, _, error) = await CliRunner.RunAsync(["ingest", "--input", input, "--driver", "987654321", .. zone, "--connection", database.ConnectionString]);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("driver 987654321 does not exist", error, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", 987654321L));
    }

    [Fact]
    public async Task A_bad_records_report_in_a_missing_folder_is_a_usage_error_before_any_event_is_stored()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"ingest-{Guid.NewGuid():N}", "Ingest report-bad", new AuditActor("test"));
        var input = await _files.WriteTwoTripsAsync("events.csv");
        var report = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "bad.csv");

        var (exit, _, error) = await CliRunner.RunAsync(
            "ingest", "--input", input, "--driver", driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--report-bad", report, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--report-bad: cannot write {report}: its folder", error, StringComparison.Ordinal);
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver.DriverId));
    }

    private async Task<long> CountAsync<T>(string sql, T value)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
