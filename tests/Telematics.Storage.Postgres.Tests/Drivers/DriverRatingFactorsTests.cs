using System.Text.Json;

using Npgsql;

using Telematics.Service.Events;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Drivers;

/// <summary>Age band and vehicle class on the driver (migration 0022): stored, checked, audited, announced and priced.</summary>
public sealed class DriverRatingFactorsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    // The demo score plan with classical relativities: the cell's steps show in every stored premium.
    private static readonly string CellPlan = PlanJson.Replace(
        "\"risk_multiplier\"",
        "\"classical_relativities\": { \"age_band\": { \"under25\": 1.8, \"40_64\": 0.9 }, \"vehicle_class\": { \"performance\": 1.4 } }, \"risk_multiplier\"",
        StringComparison.Ordinal);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private DriverRepository Drivers => new(database.DataSource, TimeProvider.System);

    [Fact]
    public async Task Age_band_and_vehicle_class_given_at_creation_are_read_back_and_listed()
    {
        var created = await Drivers.CreateAsync(
            new NewDriver("CELL-1-" + Guid.NewGuid(), "Ines") { Region = "FR-75", AgeBand = "under25", VehicleClass = "performance" }, Actor, CancellationToken.None);

        var read = await Drivers.GetAsync(created.DriverId);
        var listed = await Drivers.ListAsync(null, created.DriverId, 1, 10);

        Assert.Equal(created, read);
        Assert.Equal(("FR-75", "under25", "performance"), (read!.Cell.Region, read.Cell.AgeBand, read.Cell.VehicleClass));
        Assert.Equal(created, Assert.Single(listed));
    }

    [Fact]
    public async Task An_update_changes_only_what_it_sets_null_clears_and_the_audit_row_holds_both_sides()
    {
        var driver = await Drivers.CreateAsync(new NewDriver("CELL-2-" + Guid.NewGuid(), "Jon") { AgeBand = "25_39", VehicleClass = "family" }, Actor, CancellationToken.None);

        var aged = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { AgeBand = "40_64" }, Actor);
        var cleared = await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { VehicleClass = null, Region = "FR-13" }, Actor);

        Assert.Equal(("40_64", "family"), (aged!.AgeBand, aged.VehicleClass));
        Assert.Equal(("40_64", null, "FR-13"), (cleared!.AgeBand, cleared.VehicleClass, cleared.Region));
        Assert.Equal(cleared, await Drivers.GetAsync(driver.DriverId));

        await using var command = database.DataSource.CreateCommand(
            "SELECT action, before->>'age_band', before->>'vehicle_class', after->>'age_band', after->>'vehicle_class', after ? 'vehicle_class' FROM audit_log WHERE resource = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"driver/{driver.DriverId}" });
        var rows = new List<(string, string?, string?, string?, string?, bool)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), Text(reader, 1), Text(reader, 2), Text(reader, 3), Text(reader, 4), reader.GetBoolean(5)));
        }

        Assert.Equal(
            [
                ("driver.create", null, null, "25_39", "family", true),
                ("driver.update", "25_39", "family", "40_64", "family", true),
                ("driver.update", "40_64", "family", "40_64", null, true),
            ],
            rows);
    }

    [Theory]
    [InlineData("Under25", null, "ageBand")]
    [InlineData("18_24", null, "ageBand")]
    [InlineData("", null, "ageBand")]
    [InlineData(null, "SUV", "vehicleClass")]
    [InlineData(null, "van", "vehicleClass")]
    public async Task A_code_that_is_not_a_rating_factor_is_refused_naming_the_field_and_nothing_is_stored(string? ageBand, string? vehicleClass, string field)
    {
        var externalRef = "CELL-bad-" + Guid.NewGuid();
        var existing = await Drivers.CreateAsync("CELL-ok-" + Guid.NewGuid(), "Kept", Actor);

        var onCreate = await Assert.ThrowsAsync<ArgumentException>(
            () => Drivers.CreateAsync(new NewDriver(externalRef, "Bad") { AgeBand = ageBand, VehicleClass = vehicleClass }, Actor, CancellationToken.None));
        var update = field == "ageBand" ? new DriverUpdate { AgeBand = ageBand } : new DriverUpdate { VehicleClass = vehicleClass };
        var onUpdate = await Assert.ThrowsAsync<ArgumentException>(() => Drivers.UpdateAsync(existing.DriverId, update, Actor));

        Assert.Equal(field, onCreate.ParamName);
        Assert.Equal(field, onUpdate.ParamName);
        Assert.Contains(field == "ageBand" ? "under25" : "performance", onCreate.Message, StringComparison.Ordinal); // the valid codes are named
        Assert.Null(await Drivers.GetByExternalRefAsync(externalRef));
        Assert.Equal(existing, await Drivers.GetAsync(existing.DriverId));
    }

    [Theory]
    [InlineData("UPDATE drivers SET age_band = 'teen' WHERE driver_id = $1")]
    [InlineData("UPDATE drivers SET age_band = 'UNDER25' WHERE driver_id = $1")]
    [InlineData("UPDATE drivers SET vehicle_class = 'truck' WHERE driver_id = $1")]
    public async Task The_column_checks_refuse_other_codes(string sql)
    {
        var driver = await Drivers.CreateAsync("CELL-sql-" + Guid.NewGuid(), "Direct", Actor);
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driver.DriverId });

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task DriverRegistered_carries_the_age_band_and_vehicle_class()
    {
        var driver = await new DriverRepository(database.DataSource, TimeProvider.System) { WriteDomainEvents = true }.CreateAsync(
            new NewDriver("CELL-event-" + Guid.NewGuid(), "Eve") { AgeBand = "over65" }, Actor, CancellationToken.None);

        await using var command = database.DataSource.CreateCommand("SELECT data::text FROM domain_event_outbox WHERE subject = $1 AND event_type = $2");
        command.Parameters.AddWithValue(driver.DriverId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue(DomainEventTypes.DriverRegistered);
        var data = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement;

        Assert.Equal("over65", data.GetProperty("age_band").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("vehicle_class").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("region").ValueKind);
    }

    [Fact]
    public async Task A_stored_score_is_priced_for_the_drivers_cell_and_a_reprice_follows_a_changed_age_band()
    {
        var driver = await Drivers.CreateAsync(
            new NewDriver("CELL-price-" + Guid.NewGuid(), "Finn") { Region = "FR-75", AgeBand = "under25", VehicleClass = "performance" }, Actor, CancellationToken.None);
        await AddTripsAsync(database, driver.DriverId, 6);
        var scorer = NewScorer(database, planJson: CellPlan);

        var outcome = await scorer.ScoreDriverAsync(driver.DriverId, PeriodStart, PeriodEnd, Actor);

        var steps = outcome.Quote!.Steps;
        Assert.Equal(["base_rate", "age_relativity", "vehicle_relativity", "risk_multiplier"], steps.Take(4).Select(s => s.Name));
        Assert.Equal([780m, 1.8m, 1.4m], steps.Take(3).Select(s => s.Value));
        var stored = JsonDocument.Parse(await BreakdownAsync(outcome.PremiumId)).RootElement;
        Assert.Equal("under25", stored.GetProperty("age_band").GetString());
        Assert.Equal("performance", stored.GetProperty("vehicle_class").GetString());

        await Drivers.UpdateAsync(driver.DriverId, new DriverUpdate { AgeBand = "40_64" }, Actor);
        var repriced = await scorer.RepriceLatestAsync(driver.DriverId, Actor);

        var again = JsonDocument.Parse(repriced!.BreakdownJson).RootElement;
        Assert.Equal("40_64", again.GetProperty("age_band").GetString());
        Assert.Equal(0.9m, again.GetProperty("steps")[1].GetProperty("value").GetDecimal());
        Assert.True(repriced.FinalAmount < outcome.Quote.Premium);
    }

    private async Task<string> BreakdownAsync(long premiumId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT breakdown::text FROM premiums WHERE premium_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = premiumId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
