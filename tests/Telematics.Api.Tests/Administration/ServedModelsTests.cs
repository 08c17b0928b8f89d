using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Shipped;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Administration;

/// <summary><c>Scoring:Model</c> chooses what the host serves by default: the built-in rules, the shipped trained model, or a model directory.</summary>
public sealed class ServedModelsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly Uri Models = new("/api/v1/models", UriKind.Relative);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private ApiHost Host(string? model) => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString).With("Scoring:Model", model);

    private static Uri Risk(long driverId, string path) => new($"/api/v1/risk/{driverId}/{path}", UriKind.Relative);

    [Fact]
    public async Task The_shipped_model_is_listed_as_the_default_and_scores_with_factors_and_tips_that_add_up()
    {
        var driver = await DriverWithTripsAsync(database, "served-shipped", 12, nightShare: 0.35f, harshPer100Km: 7);
        await using var host = Host("shipped");
        using var admin = host.ClientAs(TestTokens.Admin());

        var catalog = await ProblemAssert.JsonAsync(await admin.GetAsync(Models));
        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "breakdown")));
        var tips = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "recommendations")));

        Assert.Equal($"{ShippedModel.Name}@{ShippedModel.Version}", catalog.GetProperty("defaultModel").GetString());
        var shipped = catalog.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == ShippedModel.Name);
        Assert.Equal(ShippedModel.Version, shipped.GetProperty("servingVersion").GetString());
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        var score = body.GetProperty("score");
        Assert.Equal((ShippedModel.Name, ShippedModel.Version), (score.GetProperty("model").GetString(), score.GetProperty("modelVersion").GetString()));
        var factors = breakdown.GetProperty("factors").EnumerateArray().ToArray();
        Assert.NotEmpty(factors);
        var s = breakdown.GetProperty("score");
        Assert.Equal(s.GetProperty("score").GetDouble() - s.GetProperty("referenceScore").GetDouble(), factors.Sum(f => f.GetProperty("points").GetDouble()), 2);
        Assert.NotEmpty(tips.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_shipped_model_with_the_relativity_plan_prices_its_frequency_with_credibility()
    {
        var driver = await DriverWithTripsAsync(database, "served-relativity", 12, nightShare: 0.35f, harshPer100Km: 7);
        await using var host = Host("shipped").With("Pricing:PlanPath", "pricing/ubi-relativity-2027.json");
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri($"/api/v1/pricing/{driver}/breakdown", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        var detail = breakdown.GetProperty("breakdown");
        Assert.Equal("ubi-relativity-2027", detail.GetProperty("plan").GetString());
        var steps = detail.GetProperty("steps").EnumerateArray().ToArray();
        // The demo plan has classical relativities: a driver with no age band or vehicle class on record gets factor 1 and the book mean.
        Assert.Equal(["base_rate", "age_relativity", "vehicle_relativity", "frequency_relativity", "credibility"], steps[..5].Select(st => st.GetProperty("name").GetString()));
        Assert.Equal("no age band on record → factor 1", steps[1].GetProperty("detail").GetString());
        Assert.Contains("/ book mean 0.10257", steps[3].GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The days observed, from the day of the driver's first trip 12 days back (not the 30 asked for), counted at the
        // weight their data quality and in-range share allow: credibility d / (d + 60) with d = observed × weight.
        var detailText = steps[4].GetProperty("detail").GetString()!;
        var counted = Regex.Match(detailText, @"^(?<o>[0-9.]+) observed days(?: × weight (?<w>[0-9.]+) .*? = (?<d>[0-9.]+) days counted)?, credibility (?<z>[0-9.]+) ");
        Assert.True(counted.Success, detailText);
        var observed = double.Parse(counted.Groups["o"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(observed, 12, 13);
        var days = counted.Groups["d"].Success ? double.Parse(counted.Groups["d"].Value, CultureInfo.InvariantCulture) : observed;
        // The detail prints days to 0.1 and z to 0.001: a tenth of a day moves z by about 0.001 here.
        Assert.Equal(days / (days + 60), double.Parse(counted.Groups["z"].Value, CultureInfo.InvariantCulture), 0.0015);
    }

    [Fact]
    public async Task A_young_driver_in_a_performance_car_is_priced_with_the_demo_plans_classical_relativities_and_cell_mean()
    {
        var driver = await DriverWithTripsAsync(database, "served-cell", 12, nightShare: 0.35f, harshPer100Km: 7);
        await using var host = Host("shipped").With("Pricing:PlanPath", "pricing/ubi-relativity-2027.json");
        using var admin = host.ClientAs(TestTokens.Admin());
        using var patched = await admin.PatchAsync(
            new Uri($"/api/v1/drivers/{driver}", UriKind.Relative),
            new StringContent("{\"ageBand\":\"under25\",\"vehicleClass\":\"performance\"}", System.Text.Encoding.UTF8, "application/json"));

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri($"/api/v1/pricing/{driver}/breakdown", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        var detail = breakdown.GetProperty("breakdown");
        Assert.Equal(("under25", "performance"), (detail.GetProperty("age_band").GetString(), detail.GetProperty("vehicle_class").GetString()));
        var steps = detail.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(2.2366m, steps[1].GetProperty("value").GetDecimal());
        Assert.Equal(1.6231m, steps[2].GetProperty("value").GetDecimal());
        Assert.Contains("/ mean of cell */under25/performance 0.1838", steps[3].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_what_if_with_a_year_of_data_credits_the_same_frequency_a_year_and_refuses_no_days()
    {
        var driver = await DriverWithTripsAsync(database, "served-what-if-days", 5, nightShare: 0.02f, harshPer100Km: 0.5f);
        await using var host = Host("shipped");
        using var admin = host.ClientAs(TestTokens.Admin());
        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        var simulate = new Uri($"/api/v1/pricing/{driver}/simulate", UriKind.Relative);

        var now = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync(simulate, new { }));
        var year = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync(simulate, new { observedDays = 365 }));
        using var none = await admin.PostAsJsonAsync(simulate, new { observedDays = 0 });

        static string Credibility(JsonElement simulation) => simulation.GetProperty("breakdown").GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "credibility").GetProperty("detail").GetString()!;
        // Five days of trips from five days ago until now: 5 to 6 observed days by the time of day; the what-if credits a
        // year, and the score itself does not move.
        var observed = Regex.Match(Credibility(now), @"^(\d+(\.\d+)?) observed days");
        Assert.True(observed.Success, Credibility(now));
        Assert.InRange(double.Parse(observed.Groups[1].Value, CultureInfo.InvariantCulture), 5, 6);
        Assert.StartsWith("365 observed days", Credibility(year), StringComparison.Ordinal);
        Assert.Equal(now.GetProperty("score").GetDouble(), year.GetProperty("score").GetDouble());
        Assert.NotEqual(now.GetProperty("premium").GetDecimal(), year.GetProperty("premium").GetDecimal());
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.True((await ProblemAssert.JsonAsync(none)).GetProperty("errors").TryGetProperty("observedDays", out _));
    }

    [Fact]
    public async Task A_frequency_model_gets_the_relativity_plan_by_default_and_a_score_plan_stops_the_host()
    {
        var driver = await DriverWithTripsAsync(database, "served-default-plan", 12, nightShare: 0.2f, harshPer100Km: 3);
        await using var host = Host("shipped");
        using var admin = host.ClientAs(TestTokens.Admin());
        await using var legacy = Host("shipped").With("Pricing:PlanPath", "pricing/ubi-standard-2027.json");

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri($"/api/v1/pricing/{driver}/breakdown", UriKind.Relative)));
        var error = Assert.ThrowsAny<Exception>(() => legacy.CreateClient());

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal("ubi-relativity-2027", breakdown.GetProperty("breakdown").GetProperty("plan").GetString());
        // The score plan would discard the shipped model's frequency: refused at start, with the field and the way out.
        Assert.Contains("risk_multiplier", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("migrate the plan to telematics_relativity", error.ToString(), StringComparison.Ordinal);
    }

    // A driver whose latest stored score was made by a host serving the built-in rules model: a 0–100 score.
    private async Task<long> ScoredByTheRulesModelAsync(string reference)
    {
        var driver = await DriverWithTripsAsync(database, reference, 6);
        await using var rules = Host(null);
        using var admin = rules.ClientAs(TestTokens.Admin());
        using var scored = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        return driver;
    }

    [Fact]
    public async Task Repricing_a_stored_score_that_is_not_a_frequency_under_a_relativity_plan_is_a_conflict()
    {
        var driver = await ScoredByTheRulesModelAsync("served-reprice");
        await using var shipped = Host("shipped");
        using var client = shipped.ClientAs(TestTokens.Admin());
        var premiums = await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}");

        using var repriced = await client.PostAsync(new Uri($"/api/v1/pricing/{driver}/recalculate", UriKind.Relative), null);
        var problem = await ProblemAssert.JsonAsync(repriced);

        // The stored score is the rules model's 0–100 score; priced as a frequency it would be nonsense.
        Assert.Equal(HttpStatusCode.Conflict, repriced.StatusCode);
        Assert.Contains("builtin-rules@1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(premiums, await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task Simulating_on_a_stored_score_that_is_not_a_frequency_under_a_relativity_plan_is_a_conflict()
    {
        var driver = await ScoredByTheRulesModelAsync("served-simulate");
        await using var shipped = Host("shipped");
        using var client = shipped.ClientAs(TestTokens.Admin());

        // Nothing changed, so the stored score is priced: the rules model's 0–100 score is no claim frequency.
        using var simulated = await client.PostAsJsonAsync(new Uri($"/api/v1/pricing/{driver}/simulate", UriKind.Relative), new { region = "FR-75" });
        var problem = await ProblemAssert.JsonAsync(simulated);

        Assert.Equal(HttpStatusCode.Conflict, simulated.StatusCode);
        Assert.Contains("builtin-rules@1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_the_built_in_rules_model_serves()
    {
        await using var host = Host(null);
        using var analyst = host.ClientAs(TestTokens.Analyst());

        var catalog = await ProblemAssert.JsonAsync(await analyst.GetAsync(Models));

        Assert.Equal("builtin-rules@1", catalog.GetProperty("defaultModel").GetString());
        Assert.DoesNotContain(catalog.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == ShippedModel.Name);
    }

    [Fact]
    public async Task A_directory_serves_its_packages_like_the_model_directory_setting()
    {
        using var models = new ModelDirectory().WriteRules("risk", "4", 0.2).WriteAliases("risk", """{"champion": "4"}""");
        await using var host = Host(models.Root).With("Scoring:DefaultModel", "risk");
        using var analyst = host.ClientAs(TestTokens.Analyst());

        var catalog = await ProblemAssert.JsonAsync(await analyst.GetAsync(Models));

        Assert.Equal("risk@4", catalog.GetProperty("defaultModel").GetString());
    }

    [Fact]
    public void The_shipped_model_with_another_default_model_is_refused_at_start_up_naming_both_settings()
    {
        using var host = Host("shipped").With("Scoring:DefaultModel", "risk");

        var error = Assert.ThrowsAny<Exception>(() => host.Services);
        var message = error is AggregateException aggregate ? aggregate.Flatten().InnerExceptions[0].Message : error.Message;

        Assert.Contains("Scoring:Model", message, StringComparison.Ordinal);
        Assert.Contains("Scoring:DefaultModel", message, StringComparison.Ordinal);
    }
}
