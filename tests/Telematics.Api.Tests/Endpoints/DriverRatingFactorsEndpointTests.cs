using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

using static Telematics.Api.Tests.Infrastructure.DriverCalls;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Age band and vehicle class through the driver endpoints, and priced by a plan's classical relativities.</summary>
public sealed class DriverRatingFactorsEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{

    [Fact]
    public async Task Age_band_and_vehicle_class_given_at_creation_are_returned_by_create_read_and_list()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var created = await admin.PostAsJsonAsync(Drivers, new { externalRef = "cell-create", displayName = "Cleo Cell", ageBand = "under25", vehicleClass = "small" });
        var body = await ProblemAssert.JsonAsync(created);
        using var read = await admin.GetAsync(created.Headers.Location);
        using var list = await admin.GetAsync(new Uri("/api/v1/drivers?name=cleo%20cell", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("under25", "small"), Fields(body));
        Assert.Equal(("under25", "small"), Fields(await ProblemAssert.JsonAsync(read)));
        Assert.Equal(("under25", "small"), Fields(Assert.Single((await ProblemAssert.JsonAsync(list)).GetProperty("items").EnumerateArray())));
    }

    [Theory]
    [InlineData("{\"externalRef\":\"cell-bad-1\",\"displayName\":\"X\",\"ageBand\":\"18_24\"}", "ageBand")]
    [InlineData("{\"externalRef\":\"cell-bad-2\",\"displayName\":\"X\",\"ageBand\":\"Under25\"}", "ageBand")]
    [InlineData("{\"externalRef\":\"cell-bad-3\",\"displayName\":\"X\",\"vehicleClass\":\"van\"}", "vehicleClass")]
    public async Task A_code_that_is_not_a_rating_factor_is_a_validation_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Drivers, Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        var message = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(field == "ageBand" ? "under25, 25_39, 40_64, over65" : "small, family, suv, performance", message, StringComparison.Ordinal);
        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM drivers WHERE external_ref LIKE 'cell-bad-%'");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_patch_keeps_what_it_leaves_out_clears_a_null_is_audited_and_refuses_a_bad_code()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var id = await CreateAsync(admin, new { externalRef = "cell-patch", displayName = "Pat", region = "FR-13", ageBand = "25_39", vehicleClass = "family" });

        var aged = await PatchAsync(admin, id, "{\"ageBand\":\"40_64\"}");
        var cleared = await PatchAsync(admin, id, "{\"vehicleClass\":null,\"timeZone\":\"Europe/Paris\"}");
        using var refused = await admin.PatchAsync(One(id), Json("{\"vehicleClass\":\"SUV\"}"));
        using var read = await admin.GetAsync(One(id));

        Assert.Equal(("40_64", "family"), Fields(aged));
        Assert.Equal(("40_64", null), Fields(cleared));
        Assert.Equal(("FR-13", "Europe/Paris"), (cleared.GetProperty("region").GetString(), cleared.GetProperty("timeZone").GetString()));
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("vehicleClass", out _));
        Assert.Equal(("40_64", null), Fields(await ProblemAssert.JsonAsync(read)));
        await using var audit = database.DataSource.CreateCommand(
            "SELECT before->>'age_band', after->>'age_band' FROM audit_log WHERE action = 'driver.update' AND resource = 'driver/' || $1 ORDER BY seq LIMIT 1");
        audit.Parameters.AddWithValue(id.ToString(CultureInfo.InvariantCulture));
        await using var row = await audit.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("25_39", "40_64"), (row.GetString(0), row.GetString(1)));
    }

    [Fact]
    public async Task A_simulation_prices_the_drivers_cell_with_the_plans_classical_relativities_and_can_change_it()
    {
        var plan = Path.Combine(Path.GetTempPath(), $"cell-plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(plan, """
            { "name": "cells", "currency": "EUR", "rounding": { "decimals": 2 },
              "base_rate": { "default": 600, "regions": { "FR-13": 700, "FR-35": 560, "FR-75": 780 } },
              "classical_relativities": { "age_band": { "under25": 1.8, "40_64": 0.9 }, "vehicle_class": { "small": 0.95 } },
              "risk_multiplier": { "kind": "exponential", "k": 0 } }
            """);
        try
        {
            await using var host = Host().With("Pricing:PlanPath", plan);
            using var admin = host.ClientAs(TestTokens.Admin());
            var id = await CreateAsync(admin, new { externalRef = "cell-price", displayName = "Price", region = "FR-75", ageBand = "under25", vehicleClass = "small" });

            var own = await SimulateAsync(admin, id, new { score = 50.0, annualKm = 10000.0 });
            var older = await SimulateAsync(admin, id, new { score = 50.0, annualKm = 10000.0, ageBand = "40_64" });

            // 780 × 1.8 × 0.95 and 780 × 0.9 × 0.95.
            Assert.Equal(1333.80m, own.GetProperty("premium").GetDecimal());
            Assert.Equal(666.90m, older.GetProperty("premium").GetDecimal());
            var steps = own.GetProperty("breakdown").GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
            Assert.Equal(["base_rate", "age_relativity", "vehicle_relativity", "risk_multiplier", "rounding"], steps);
            Assert.Equal("under25", own.GetProperty("breakdown").GetProperty("age_band").GetString());
            Assert.Equal("40_64", older.GetProperty("breakdown").GetProperty("age_band").GetString());
        }
        finally
        {
            File.Delete(plan);
        }
    }

    [Fact]
    public async Task The_OpenAPI_examples_of_the_driver_operations_show_age_band_and_vehicle_class()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = (await ProblemAssert.JsonAsync(response)).GetProperty("paths");

        var create = paths.GetProperty("/api/v1/drivers").GetProperty("post");
        var patch = paths.GetProperty("/api/v1/drivers/{driverId}").GetProperty("patch");
        var get = paths.GetProperty("/api/v1/drivers/{driverId}").GetProperty("get");
        var breakdown = paths.GetProperty("/api/v1/pricing/{driverId}/breakdown").GetProperty("get");
        Assert.Equal(("40_64", "family"), Fields(RequestExample(create)));
        Assert.Equal(("40_64", "family"), Fields(ResponseExample(create, "201")));
        Assert.Equal("suv", RequestExample(patch).GetProperty("vehicleClass").GetString());
        Assert.Equal(("40_64", "family"), Fields(ResponseExample(get, "200")));
        Assert.Equal("40_64", ResponseExample(breakdown, "200").GetProperty("breakdown").GetProperty("age_band").GetString());
    }

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static (string? AgeBand, string? VehicleClass) Fields(JsonElement driver) =>
        (driver.GetProperty("ageBand").GetString(), driver.GetProperty("vehicleClass").GetString());


    private static async Task<JsonElement> SimulateAsync(HttpClient client, long driver, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/pricing/{driver}/simulate"), UriKind.Relative), body);
        var json = await ProblemAssert.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"simulate: {(int)response.StatusCode} {json}");
        return json;
    }
}
