using Npgsql;

using Telematics.Cli.Tests.Events;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Ingest;

/// <summary><c>ingest --imu</c>: the phone's manoeuvres and handling are stored with the trip, and its counts come from them.</summary>
public sealed class IngestImuTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("telematics-ingest-imu-").FullName;

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Ingest_with_a_phone_recording_stores_the_trips_manoeuvres_once_and_counts_them_in_the_trip()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"imu-{Guid.NewGuid():N}", "Phone driver", new AuditActor("test"));
        var id = driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 21);
        string[] args = ["ingest", "--input", trip.EventsFile, "--driver", id, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--connection", database.ConnectionString];

        var first = await CliRunner.RunAsync(args);
        var rows = await CountAsync("SELECT count(*) FROM trip_manoeuvres WHERE driver_id = $1");
        var second = await CliRunner.RunAsync(args);

        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        Assert.Contains("trips 1", first.Output, StringComparison.Ordinal);
        Assert.Contains("phone: ", first.Output, StringComparison.Ordinal);
        Assert.True(second.Exit == ExitCodes.Success, second.Error);
        Assert.Equal(rows, await CountAsync("SELECT count(*) FROM trip_manoeuvres WHERE driver_id = $1"));
        Assert.Equal(trip.Braking, await CountAsync("SELECT count(*) FROM trip_manoeuvres WHERE driver_id = $1 AND kind = 'harsh_braking'"));
        Assert.True(await CountAsync("SELECT count(*) FROM trip_manoeuvres WHERE driver_id = $1 AND kind = 'phone_handling'") >= 1);
        Assert.InRange(await CountAsync("SELECT harsh_brake_count::bigint FROM trips WHERE driver_id = $1"), trip.BrakingRate.Min, trip.BrakingRate.Max);
        Assert.InRange(await CountAsync("SELECT rapid_accel_count::bigint FROM trips WHERE driver_id = $1"), trip.AcceleratingRate.Min, trip.AcceleratingRate.Max);
        Assert.InRange(await CountAsync("SELECT harsh_corner_count::bigint FROM trips WHERE driver_id = $1"), trip.CorneringRate.Min, trip.CorneringRate.Max);
        // Every stored manoeuvre belongs to the trip it happened in.
        Assert.Equal(0, await CountAsync(
            "SELECT count(*) FROM trip_manoeuvres m JOIN trips t USING (trip_id) WHERE m.driver_id = $1 AND (m.started_at < t.started_at OR m.started_at > t.ended_at OR t.driver_id <> m.driver_id)"));

        async Task<long> CountAsync(string sql)
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    [Fact]
    public async Task A_phone_recording_with_a_bad_record_stores_nothing()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"imu-bad-{Guid.NewGuid():N}", "Phone driver", new AuditActor("test"));
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 22);
        var gyroscope = Path.Combine(trip.PhoneDirectory, "gyroscope.csv");
        var lines = await File.ReadAllLinesAsync(gyroscope);
        lines[50] = "yesterday,0,0,0";
        await File.WriteAllLinesAsync(gyroscope, lines);

        var (exit, _, error) = await CliRunner.RunAsync(
            "ingest", "--input", trip.EventsFile, "--driver", driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("gyroscope", error, StringComparison.Ordinal);
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM telematics_events WHERE driver_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_second_recording_overlapping_the_stored_one_stops_the_run_before_its_trips()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync($"imu-overlap-{Guid.NewGuid():N}", "Phone driver", new AuditActor("test"));
        var id = driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var trip = await SimulatedPhoneTrip.WriteAsync(_root, seed: 23);
        string[] args = ["ingest", "--input", trip.EventsFile, "--driver", id, "--imu", trip.PhoneDirectory, "--imu-frame", "device", "--connection", database.ConnectionString];
        var first = await CliRunner.RunAsync(args);
        Assert.True(first.Exit == ExitCodes.Success, first.Error);
        await ExecuteAsync("DELETE FROM trips WHERE driver_id = $1");
        var evidence = await CountAsync("SELECT count(*) FROM phone_evidence WHERE driver_id = $1");

        // The same drive cut short: another analysis of the same time, which would count its manoeuvres twice.
        foreach (var file in Directory.GetFiles(trip.PhoneDirectory, "*.csv"))
        {
            var lines = await File.ReadAllLinesAsync(file);
            await File.WriteAllLinesAsync(file, lines.Take(lines.Length * 3 / 4));
        }

        var second = await CliRunner.RunAsync(args);

        Assert.Equal(ExitCodes.InputError, second.Exit);
        Assert.Contains("--imu: Phone evidence is already stored", second.Error, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM trips WHERE driver_id = $1"));
        Assert.Equal(evidence, await CountAsync("SELECT count(*) FROM phone_evidence WHERE driver_id = $1"));

        async Task<long> CountAsync(string sql)
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });
            return (long)(await command.ExecuteScalarAsync())!;
        }

        async Task ExecuteAsync(string sql)
        {
            await using var command = database.DataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });
            await command.ExecuteNonQueryAsync();
        }
    }
}
