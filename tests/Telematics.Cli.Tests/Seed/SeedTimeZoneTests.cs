using Telematics.Features.Samples;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using Telematics.Training.Synthetic;

namespace Telematics.Cli.Tests.Seed;

public sealed class SeedTimeZoneTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Time_zone_reaches_the_driver_rows_and_the_simulator_which_lays_trips_out_in_its_local_time()
    {
        var result = await CliRunner.RunAsync(
            "seed", "--drivers", "2", "--days", "1", "--seed", "92", "--start", "2026-02-02", "--time-zone", "Europe/Paris", "--connection", database.ConnectionString);

        Assert.True(result.Exit == ExitCodes.Success, result.Error);
        Assert.StartsWith("seeded 2 drivers (0 already seeded) in Europe/Paris", result.Output, StringComparison.Ordinal);
        Assert.Equal<string?>(["Europe/Paris", "Europe/Paris"], await ZonesAsync("synth-92-%"));

        // The first stored event is the simulator's first sample in Paris time, not where the default zone puts it.
        var paris = FirstSimulatedMs("Europe/Paris");
        var chicago = FirstSimulatedMs("America/Chicago");
        await using var first = database.DataSource.CreateCommand(
            "SELECT (extract(epoch FROM min(e.ts)) * 1000)::bigint FROM telematics_events e JOIN drivers d USING (driver_id) WHERE d.external_ref = 'synth-92-D000000'");
        Assert.Equal(paris, (long)(await first.ExecuteScalarAsync())!);
        Assert.NotEqual(chicago, paris);
    }

    [Fact]
    public async Task A_population_seeded_in_another_zone_is_neither_reseeded_nor_moved_and_the_run_says_why()
    {
        string[] args = ["seed", "--drivers", "2", "--days", "3", "--seed", "93", "--start", "2026-02-02", "--connection", database.ConnectionString];
        var before = await CliRunner.RunAsync(args);
        var events = await EventCountAsync("synth-93-%");

        var again = await CliRunner.RunAsync([.. args, "--time-zone", "Europe/Paris"]);

        Assert.True(before.Exit == ExitCodes.Success, before.Error);
        Assert.True(again.Exit == ExitCodes.Success, again.Error);
        Assert.StartsWith("nothing to do: all 2 drivers are already seeded", again.Output, StringComparison.Ordinal);
        Assert.Contains("2 already seeded drivers keep the time zone their events were simulated in, not Europe/Paris", again.Output, StringComparison.Ordinal);
        Assert.Equal<string?>(["America/Chicago", "America/Chicago"], await ZonesAsync("synth-93-%"));
        Assert.Equal(events, await EventCountAsync("synth-93-%"));
    }

    [Theory]
    [InlineData("Paris")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Mars/Olympus_Mons")]
    public async Task An_unknown_or_non_iana_time_zone_is_a_usage_error_naming_the_option_and_seeds_nothing(string zone)
    {
        var result = await CliRunner.RunAsync("seed", "--drivers", "1", "--days", "1", "--seed", "94", "--time-zone", zone, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.StartsWith($"--time-zone: '{zone}' is not an IANA time zone id", result.Error, StringComparison.Ordinal);
        Assert.Empty(await ZonesAsync("synth-94-%"));
    }

    private static long FirstSimulatedMs(string zone)
    {
        var options = new SyntheticPopulationOptions { DriverCount = 2, PeriodDays = 1, Seed = 92, StartDate = new DateOnly(2026, 2, 2), TimeZoneId = zone };
        var buffer = new SampleBuffer(4096);
        foreach (var chunk in new TelematicsSimulator(options).Simulate(PopulationGenerator.CreateDriver(options, 0), buffer))
        {
            if (chunk.Count > 0)
            {
                return chunk.TimestampUnixMs[0];
            }
        }

        throw new InvalidOperationException("the simulator produced no samples");
    }

    private async Task<IEnumerable<string?>> ZonesAsync(string externalRefs)
    {
        var zones = new List<string?>();
        await using var command = database.DataSource.CreateCommand("SELECT time_zone FROM drivers WHERE external_ref LIKE $1 ORDER BY external_ref");
        command.Parameters.AddWithValue(externalRefs);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            zones.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return zones;
    }

    private async Task<long> EventCountAsync(string externalRefs)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT count(*) FROM telematics_events e JOIN drivers d USING (driver_id) WHERE d.external_ref LIKE $1");
        command.Parameters.AddWithValue(externalRefs);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
