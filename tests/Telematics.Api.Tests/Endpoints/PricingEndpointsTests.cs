using System.Net;
using System.Net.Http.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Endpoints;

public sealed class PricingEndpointsTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Pricing(long driverId, string path) => new($"/api/v1/pricing/{driverId}/{path}", UriKind.Relative);

    private async Task<long> ScoredDriverAsync(HttpClient admin, string reference)
    {
        var driver = await DriverWithTripsAsync(database, reference, 10);
        using var response = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return driver;
    }

    [Fact]
    public async Task The_current_premium_and_its_breakdown_are_those_priced_at_recalculation()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-1");

        var current = await ProblemAssert.JsonAsync(await admin.GetAsync(Pricing(driver, "current")));
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(Pricing(driver, "breakdown")));

        Assert.Equal("EUR", current.GetProperty("currency").GetString());
        Assert.Equal(620.00m, current.GetProperty("baseAmount").GetDecimal());
        var detail = breakdown.GetProperty("breakdown");
        Assert.Equal("ubi-standard-2027", detail.GetProperty("plan").GetString());
        Assert.Equal(current.GetProperty("finalAmount").GetDecimal(), detail.GetProperty("premium").GetDecimal());
        var steps = detail.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["base_rate", "risk_multiplier", "mileage"], steps[..3]);
    }

    [Fact]
    public async Task Repricing_after_a_region_change_is_stored_and_shows_on_the_next_read()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-2");
        var before = await ProblemAssert.JsonAsync(await admin.GetAsync(Pricing(driver, "current")));
        await using (var update = database.DataSource.CreateCommand($"UPDATE drivers SET region = 'FR-75' WHERE driver_id = {driver}"))
        {
            await update.ExecuteNonQueryAsync();
        }

        using var repriced = await admin.PostAsync(Pricing(driver, "recalculate"), null);
        var after = await ProblemAssert.JsonAsync(await admin.GetAsync(Pricing(driver, "current")));
        var history = await ProblemAssert.JsonAsync(await admin.GetAsync(Pricing(driver, "history")));

        Assert.Equal(HttpStatusCode.OK, repriced.StatusCode);
        Assert.Equal(780.00m, after.GetProperty("baseAmount").GetDecimal());
        Assert.True(after.GetProperty("finalAmount").GetDecimal() > before.GetProperty("finalAmount").GetDecimal());
        Assert.Equal(2, history.GetProperty("items").GetArrayLength());
        Assert.Equal(1, await CountAsync(database, $"SELECT count(*) FROM audit_log WHERE action = 'premium.change' AND resource = 'driver/{driver}/premium' AND before IS NOT NULL"));
    }

    [Fact]
    public async Task A_simulation_rescores_changed_features_and_stores_nothing()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-3");
        var premiums = await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}");

        var worse = await SimulateAsync(admin, driver, new { features = new Dictionary<string, double> { ["night_share"] = 0.8, ["harsh_braking_per_100km"] = 12 } });
        var high = await SimulateAsync(admin, driver, new { score = 90.0 });
        var low = await SimulateAsync(admin, driver, new { score = 10.0 });

        Assert.True(worse.GetProperty("rescored").GetBoolean());
        Assert.True(worse.GetProperty("premium").GetDecimal() > worse.GetProperty("currentPremium").GetDecimal());
        Assert.False(high.GetProperty("rescored").GetBoolean());
        Assert.True(high.GetProperty("premium").GetDecimal() > low.GetProperty("premium").GetDecimal());
        Assert.Equal(premiums, await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_simulated_distance_moves_the_annual_distance_the_mileage_factor_prices()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-distance");

        var shorter = await SimulateAsync(admin, driver, new { features = new Dictionary<string, double> { ["distance_km"] = 100 } });
        var longer = await SimulateAsync(admin, driver, new { features = new Dictionary<string, double> { ["distance_km"] = 200 } });

        // Both over the stored score's window: twice the distance is twice the annual distance, not the stored one twice.
        Assert.Equal(2 * shorter.GetProperty("annualKm").GetDouble(), longer.GetProperty("annualKm").GetDouble(), 6);
    }

    [Fact]
    public async Task A_simulation_with_an_unknown_feature_is_a_validation_problem_naming_it()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-4");

        using var response = await admin.PostAsJsonAsync(Pricing(driver, "simulate"), new { features = new Dictionary<string, double> { ["nite_share"] = 0.1 } });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("features.nite_share", out var messages));
        Assert.Contains("nite_share", messages[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"features":{"distance_km":1e39}}""", "features.distance_km")]
    [InlineData("""{"features":{"night_share":-1e39}}""", "features.night_share")]
    [InlineData("""{"features":{"night_share":1.5}}""", "features.night_share")]
    [InlineData("""{"features":{"phone_minutes_per_hour":61}}""", "features.phone_minutes_per_hour")]
    [InlineData("""{"features":{"distance_km":1e30}}""", "features.distance_km")]
    [InlineData("""{"region":"XX"}""", "region")]
    public async Task A_simulation_the_plan_or_model_cannot_take_is_a_validation_problem_naming_the_field(string body, string field)
    {
        // Each case scores a driver of its own and the refusal depends on the body alone: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await ScoredDriverAsync(admin, "price-6-" + Guid.NewGuid().ToString("N")[..8]);

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(Pricing(driver, "simulate"), content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{body}: no error named {field} in {problem}");
    }

    [Fact]
    public async Task A_simulation_of_no_driving_for_a_never_scored_driver_is_a_validation_problem()
    {
        var driver = await DriverWithTripsAsync(database, "price-7", 0);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var content = new StringContent("""{"features":{"trip_count":0},"annualKm":0}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(Pricing(driver, "simulate"), content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("features", out _), problem.ToString());
    }

    [Fact]
    public async Task A_simulation_for_a_never_scored_driver_needs_the_annual_distance()
    {
        var driver = await DriverWithTripsAsync(database, "price-5", 0);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var missing = await admin.PostAsJsonAsync(Pricing(driver, "simulate"), new { score = 30.0 });
        var priced = await SimulateAsync(admin, driver, new { score = 30.0, annualKm = 4000.0, region = "FR-13" });

        var problem = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("annualKm", out _));
        Assert.Equal("FR-13", priced.GetProperty("region").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, priced.GetProperty("currentPremium").ValueKind);
    }

    private static async Task<System.Text.Json.JsonElement> SimulateAsync(HttpClient client, long driver, object body)
    {
        using var response = await client.PostAsJsonAsync(Pricing(driver, "simulate"), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ProblemAssert.JsonAsync(response);
    }
}
