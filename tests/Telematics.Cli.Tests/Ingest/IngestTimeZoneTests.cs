using System.Globalization;
using Npgsql;

using Telematics.Features.Schema;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Cli.Tests.Ingest;

/// <summary>
/// <c>ingest</c> takes the zone of the local-time features from --tz, else the driver's stored zone, else UTC. The file's
/// two trips run 21:10–21:20 and 21:40–21:50 UTC on 2 March 2026: 22:10–22:50 in Berlin (CET), inside the 22:00–05:00
/// night window, and wholly before it in UTC.
/// </summary>
public sealed class IngestTimeZoneTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private const long TenPastNinePmUtc = EventFiles.Start + (13 * 3_600_000L) + (10 * 60_000L);

    private readonly EventFiles _files = new();

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Skipped_bad_records_store_the_rest_and_exit_with_the_partial_failure_code()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System)
            .CreateAsync(new NewDriver($"bad-{Guid.NewGuid():N}", "Partly Bad"), new AuditActor("test"), CancellationToken.None);
        var input = await _files.WriteTwoTripsAsync("bad.csv");
        var lines = (await File.ReadAllLinesAsync(input)).ToList();
        lines[5] = lines[5].Replace(",48.", ",north", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(input, lines);
        var bad = _files.PathOf("bad-records.csv");

        var result = await CliRunner.RunAsync(
            "ingest", "--input", input, "--driver", driver.DriverId.ToString(CultureInfo.InvariantCulture), "--report-bad", bad, "--connection", database.ConnectionString);

        Assert.True(result.Exit == ExitCodes.PartialFailure, result.Error);
        Assert.Contains("rejected 1, trips 2", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await File.ReadAllLinesAsync(bad)).Length);
    }

    [Theory]
    [InlineData("Europe/Berlin", null, 1.0)]
    [InlineData("UTC", null, 0.0)]
    [InlineData(null, null, 0.0)]
    [InlineData("Europe/Berlin", "UTC", 0.0)]
    [InlineData(null, "Europe/Berlin", 1.0)]
    public async Task Night_share_follows_tz_then_the_driver_zone_then_UTC(string? driverZone, string? tz, double nightShare)
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System)
            .CreateAsync(new NewDriver($"tz-{Guid.NewGuid():N}", "Night Owl") { TimeZone = driverZone }, new AuditActor("test"), CancellationToken.None);
        var input = await _files.WriteTwoTripsAsync("night.csv", TenPastNinePmUtc);
        string[] args = ["ingest", "--input", input, "--driver", driver.DriverId.ToString(CultureInfo.InvariantCulture), "--connection", database.ConnectionString];

        var result = await CliRunner.RunAsync(tz is null ? args : [.. args, "--tz", tz]);

        Assert.True(result.Exit == ExitCodes.Success, result.Error);
        Assert.Equal([nightShare, nightShare], await NightSharesAsync(driver.DriverId));
    }

    [Fact]
    public async Task Drivers_create_stores_region_and_time_zone_and_names_a_bad_option()
    {
        var externalRef = $"tz-create-{Guid.NewGuid():N}";

        var created = await CliRunner.RunAsync(
            "drivers", "create", "--external-ref", externalRef, "--name", "Zoned", "--region", "FR-75", "--time-zone", "Europe/Berlin", "--connection", database.ConnectionString);
        var badZone = await CliRunner.RunAsync(
            "drivers", "create", "--external-ref", externalRef + "-2", "--name", "Zoned", "--time-zone", "Berlin", "--connection", database.ConnectionString);
        var badRegion = await CliRunner.RunAsync(
            "drivers", "create", "--external-ref", externalRef + "-3", "--name", "Zoned", "--region", "fr-75", "--connection", database.ConnectionString);
        var stored = await new DriverRepository(database.DataSource, TimeProvider.System).GetByExternalRefAsync(externalRef);

        Assert.True(created.Exit == ExitCodes.Success, created.Error);
        Assert.Equal(("FR-75", "Europe/Berlin"), (stored!.Region, stored.TimeZone));
        Assert.Equal(ExitCodes.Usage, badZone.Exit);
        Assert.StartsWith("--time-zone: ", badZone.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badRegion.Exit);
        Assert.StartsWith("--region: ", badRegion.Error, StringComparison.Ordinal);
        Assert.Null(await new DriverRepository(database.DataSource, TimeProvider.System).GetByExternalRefAsync(externalRef + "-2"));
    }

    private async Task<double[]> NightSharesAsync(long driverId)
    {
        // real[] is 1-based in SQL.
        await using var command = database.DataSource.CreateCommand("SELECT features[$2] FROM trips WHERE driver_id = $1 ORDER BY started_at");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare) + 1 });
        var shares = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            shares.Add(Math.Round(reader.GetFloat(0), 3));
        }

        return [.. shares];
    }
}
