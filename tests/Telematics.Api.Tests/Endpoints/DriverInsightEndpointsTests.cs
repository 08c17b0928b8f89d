using System.Globalization;
using System.Net;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Features.Schema;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

public sealed class DriverInsightEndpointsTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    private const string March = "from=2026-03-01&to=2026-03-31";

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static async Task<long> CreateWithTripsAsync(HttpClient admin, string reference, int trips, DateTimeOffset? start = null)
    {
        var driver = await DrivingBodies.CreateDriverAsync(admin, reference + "-" + Guid.NewGuid().ToString("N"));
        if (trips > 0)
        {
            using var ingest = await admin.PostAsync(
                Url(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driver}")),
                DrivingBodies.Content(DrivingBodies.Csv(trips, 1200, start: start), "text/csv"));
            ingest.EnsureSuccessStatusCode();
        }

        return driver;
    }

    [Fact]
    public async Task A_drivers_trips_are_listed_newest_first_and_one_trip_reads_with_its_named_features()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-trips", 3);

        using var list = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/trips?{March}&pageSize=2"));
        var page = await ProblemAssert.JsonAsync(list);
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        var newest = items[0].GetProperty("tripId").GetInt64();
        using var one = await admin.GetAsync(Url($"/api/v1/telematics/trips/{newest}"));
        var trip = await ProblemAssert.JsonAsync(one);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(2, items.Length);
        Assert.True(items[0].GetProperty("startedAt").GetDateTimeOffset() > items[1].GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(driver, trip.GetProperty("driverId").GetInt64());
        Assert.Equal(TelematicsFeatures.Schema.Count, trip.GetProperty("features").EnumerateObject().Count());
        Assert.InRange(trip.GetProperty("features").GetProperty("mean_speed_kmh").GetSingle(), 50, 58);
    }

    [Fact]
    public async Task The_trip_summary_totals_count_km_and_hours_by_month()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-summary", 2);

        using var response = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/trips/summary?{March}"));
        var summary = await ProblemAssert.JsonAsync(response);

        Assert.Equal(2, summary.GetProperty("tripCount").GetInt64());
        Assert.InRange(summary.GetProperty("distanceKm").GetDouble(), 35, 37);
        Assert.InRange(summary.GetProperty("drivingHours").GetDouble(), 0.6, 0.7);
        var month = Assert.Single(summary.GetProperty("months").EnumerateArray());
        Assert.Equal("2026-03", month.GetProperty("month").GetString());
    }

    [Fact]
    public async Task An_upload_is_visible_on_the_next_cached_read()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-cache", 0);
        var summary = Url($"/api/v1/drivers/{driver}/trips/summary?{March}");
        using var before = await admin.GetAsync(summary);
        var countBefore = (await ProblemAssert.JsonAsync(before)).GetProperty("tripCount").GetInt64();

        using var ingest = await admin.PostAsync(Url($"/api/v1/telematics/events?driverId={driver}"), DrivingBodies.Content(DrivingBodies.Csv(1, 1200), "text/csv"));
        using var after = await admin.GetAsync(summary);

        Assert.Equal(0, countBefore);
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        Assert.Equal(1, (await ProblemAssert.JsonAsync(after)).GetProperty("tripCount").GetInt64());
    }

    [Fact]
    public async Task Statistics_give_every_feature_of_the_schema()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-stats", 2);

        using var response = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/statistics?{March}"));
        var features = (await ProblemAssert.JsonAsync(response)).GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);

        Assert.Equal(TelematicsFeatures.Schema.Count, features.Count);
        Assert.InRange(features["distance_km"].GetProperty("value").GetSingle(), 35, 37);
        Assert.Equal(2f, features["trip_count"].GetProperty("value").GetSingle());
        Assert.InRange(features["mean_speed_kmh"].GetProperty("value").GetSingle(), 50, 58);
    }

    [Fact]
    public async Task A_driver_is_not_shown_the_population_of_a_day_fewer_than_ten_other_drivers_drove()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var caller = await CreateWithTripsAsync(admin, "population-alone", 0);
        await CreateWithTripsAsync(admin, "population-other", 1, new DateTimeOffset(2026, 6, 10, 7, 0, 0, TimeSpan.Zero));
        using var driver = host.ClientAs(TestTokens.Driver(caller.ToString(CultureInfo.InvariantCulture)));

        // A day the caller did not drive: the population of that day is the one other driver's driving.
        using var response = await driver.GetAsync(Url($"/api/v1/drivers/{caller}/statistics?from=2026-06-10&to=2026-06-10"));
        var statistics = await ProblemAssert.JsonAsync(response);
        var features = statistics.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);

        Assert.All(features.Values, f => Assert.Equal(System.Text.Json.JsonValueKind.Null, f.GetProperty("populationValue").ValueKind));
        Assert.Contains("10 other drivers", statistics.GetProperty("populationWithheld").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_driver_is_shown_the_population_of_a_day_ten_other_drivers_drove()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var caller = await CreateWithTripsAsync(admin, "population-caller", 0);
        for (var i = 0; i < 10; i++)
        {
            await CreateWithTripsAsync(admin, "population-book", 1, new DateTimeOffset(2026, 6, 11, 7, 0, 0, TimeSpan.Zero));
        }

        using var driver = host.ClientAs(TestTokens.Driver(caller.ToString(CultureInfo.InvariantCulture)));

        using var response = await driver.GetAsync(Url($"/api/v1/drivers/{caller}/statistics?from=2026-06-11&to=2026-06-11"));
        var statistics = await ProblemAssert.JsonAsync(response);
        var features = statistics.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);

        Assert.Equal(System.Text.Json.JsonValueKind.Number, features["mean_speed_kmh"].GetProperty("populationValue").ValueKind);
        Assert.True(
            !statistics.TryGetProperty("populationWithheld", out var withheld) || withheld.ValueKind == System.Text.Json.JsonValueKind.Null,
            "withheld: " + statistics);
    }

    [Fact]
    public async Task A_driver_token_whose_id_has_a_leading_zero_reads_its_own_summary_and_trips()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var own = await CreateWithTripsAsync(admin, "leading-zero", 1);
        using var list = await admin.GetAsync(Url($"/api/v1/drivers/{own}/trips?{March}"));
        var trip = (await ProblemAssert.JsonAsync(list)).GetProperty("items")[0].GetProperty("tripId").GetInt64();
        // A token issued before the issuer refused such ids, or by another issuer: the same driver by number.
        using var driver = host.ClientAs(TestTokens.Driver("0" + own.ToString(CultureInfo.InvariantCulture)));

        using var summary = await driver.GetAsync(Url($"/api/v1/drivers/{own}/summary"));
        using var one = await driver.GetAsync(Url($"/api/v1/telematics/trips/{trip}"));

        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
    }

    [Fact]
    public async Task Calm_driving_raises_no_alert_and_the_distance_is_reported()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-alerts", 2);

        using var response = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/alerts?{March}"));
        var alerts = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(alerts.GetProperty("distanceKm").GetDouble(), 35, 37);
        Assert.Empty(alerts.GetProperty("alerts").EnumerateArray());
    }

    [Fact]
    public async Task The_summary_and_risk_factors_read_the_latest_stored_score_with_factors_ordered_by_size()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-score", 0);
        var contributions = new float[TelematicsFeatures.Schema.Count];
        contributions[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.PhoneMinutesPerHour)] = 7.5f;
        contributions[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.NightShare)] = -2f;
        contributions[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.SpeedingShare)] = 3f;
        var now = DateTimeOffset.UtcNow;
        await new ScoreRepository(database.DataSource, TimeProvider.System).AddAsync(
            new RiskScoreRecord(driver, now, now.AddDays(-30), now, 62.5, RiskCategory.High, 0.12, "builtin-rules", "1", null, null, new float[contributions.Length], contributions),
            new AuditActor("test"));

        using var summaryResponse = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/summary"));
        using var factorsResponse = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/risk-factors"));
        var summary = await ProblemAssert.JsonAsync(summaryResponse);
        var factors = (await ProblemAssert.JsonAsync(factorsResponse)).GetProperty("factors").EnumerateArray().ToArray();

        Assert.Equal(HttpStatusCode.OK, summaryResponse.StatusCode);
        Assert.Equal(62.5, summary.GetProperty("latestScore").GetProperty("score").GetDouble());
        Assert.Equal("high", summary.GetProperty("latestScore").GetProperty("category").GetString()); // the wire name, as every other answer
        Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.GetProperty("latestPremium").ValueKind);
        Assert.Equal(driver, summary.GetProperty("driver").GetProperty("driverId").GetInt64());
        Assert.Equal(["phone_minutes_per_hour", "speeding_share", "night_share"], factors.Take(3).Select(f => f.GetProperty("feature").GetString()));
        Assert.Equal("lowers", factors[2].GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Risk_factors_before_any_score_are_404()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await CreateWithTripsAsync(admin, "insight-noscore", 0);

        using var response = await admin.GetAsync(Url($"/api/v1/drivers/{driver}/risk-factors"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
    }

    [Fact]
    public async Task A_driver_gets_403_for_another_drivers_insights_and_404_for_another_drivers_trip()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var own = await CreateWithTripsAsync(admin, "insight-own", 0);
        var other = await CreateWithTripsAsync(admin, "insight-other", 1);
        using var list = await admin.GetAsync(Url($"/api/v1/drivers/{other}/trips?{March}"));
        var otherTrip = (await ProblemAssert.JsonAsync(list)).GetProperty("items")[0].GetProperty("tripId").GetInt64();
        using var driver = host.ClientAs(TestTokens.Driver(own.ToString(CultureInfo.InvariantCulture)));

        using var insights = await driver.GetAsync(Url($"/api/v1/drivers/{other}/trips"));
        using var trip = await driver.GetAsync(Url($"/api/v1/telematics/trips/{otherTrip}"));
        using var ownList = await driver.GetAsync(Url($"/api/v1/drivers/{own}/trips"));

        await ProblemAssert.IsProblemAsync(insights, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
        await ProblemAssert.IsProblemAsync(trip, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
        Assert.Equal(HttpStatusCode.OK, ownList.StatusCode);
    }

    [Theory]
    [InlineData("trips?from=2026-04-01&to=2026-03-01", "from")]
    [InlineData("statistics?from=2024-01-01&to=2026-01-01", "to")]
    [InlineData("alerts?from=2025-01-01&to=2026-01-02", "to")]
    [InlineData("trips?pageSize=501", "pageSize")]
    public async Task A_bad_period_or_page_is_a_validation_problem_naming_the_field(string path, string field)
    {
        // The refusal depends on the query alone: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.GetAsync(Url($"/api/v1/drivers/1/{path}"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}");
        Assert.StartsWith(field, messages[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_period_is_whole_utc_days_with_the_last_day_included()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.GetAsync(Url("/api/v1/drivers/1/trips/summary?from=2026-03-01&to=2026-03-31"));
        var summary = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), summary.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), summary.GetProperty("to").GetDateTimeOffset());
    }
}
