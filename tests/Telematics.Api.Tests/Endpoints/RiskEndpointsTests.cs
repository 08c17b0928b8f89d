using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Endpoints;

public sealed class RiskEndpointsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Risk(long driverId, string path) => new($"/api/v1/risk/{driverId}/{path}", UriKind.Relative);

    [Fact]
    public async Task A_recalculated_score_is_read_back_with_its_breakdown_and_recommendations_and_is_audited()
    {
        var driver = await DriverWithTripsAsync(database, "risk-1", 10, nightShare: 0.4f, harshPer100Km: 6);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: "alice"));

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var score = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        var breakdown = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "breakdown")));
        var tips = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "recommendations")));

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal(10, body.GetProperty("tripCount").GetInt32());
        var scoreId = body.GetProperty("score").GetProperty("scoreId").GetInt64();
        Assert.Equal(scoreId, score.GetProperty("scoreId").GetInt64());
        Assert.Equal("builtin-rules", score.GetProperty("model").GetString());
        Assert.False(string.IsNullOrEmpty(score.GetProperty("modelVersion").GetString()));
        var factors = breakdown.GetProperty("factors").EnumerateArray().ToArray();
        Assert.NotEmpty(factors);
        var points = factors.Sum(f => f.GetProperty("points").GetDouble());
        var s = breakdown.GetProperty("score");
        Assert.Equal(s.GetProperty("score").GetDouble() - s.GetProperty("referenceScore").GetDouble(), points, 2);
        Assert.Contains(factors, f => f.GetProperty("feature").GetString() == "night_share" && Math.Abs(f.GetProperty("value").GetDouble() - 0.4) < 0.01);
        var items = tips.GetProperty("items").EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, t => Assert.Contains(t.GetProperty("feature").GetString()!, factors.Select(f => f.GetProperty("feature").GetString())));
        Assert.Equal(1, await CountAsync(database, $"SELECT count(*) FROM audit_log WHERE action = 'score.recalculate' AND actor = 'api:alice' AND resource = 'driver/{driver}/score/{scoreId}'"));
    }

    [Fact]
    public async Task A_recalculation_answers_exactly_the_score_and_premium_a_later_read_returns()
    {
        var driver = await DriverWithTripsAsync(database, "risk-same", 4, nightShare: 0.1f, harshPer100Km: 2);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var score = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        var premium = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri($"/api/v1/pricing/{driver}/current", UriKind.Relative)));

        foreach (var field in new[] { "scoreId", "score", "scoredAt", "periodStart", "periodEnd", "model", "modelVersion", "observedDays" })
        {
            Assert.Equal(score.GetProperty(field).GetRawText(), body.GetProperty("score").GetProperty(field).GetRawText());
        }

        // Its first trip set off four days back: it was observed from that day on, not for the 30 days asked for.
        Assert.InRange(score.GetProperty("observedDays").GetDouble(), 4, 5);

        foreach (var field in new[] { "premiumId", "effectiveAt", "finalAmount" })
        {
            Assert.Equal(premium.GetProperty(field).GetRawText(), body.GetProperty("premium").GetProperty(field).GetRawText());
        }
    }

    [Fact]
    public async Task A_recalculation_is_visible_on_the_next_cached_read()
    {
        var driver = await DriverWithTripsAsync(database, "risk-2", 5);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var first = await admin.PostAsync(Risk(driver, "recalculate"), null);
        var cached = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        using var second = await admin.PostAsync(Risk(driver, "recalculate?periodDays=7"), null);
        var fresh = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        var history = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "history?page=2&pageSize=1")));
        var trend = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "trend?months=1")));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(cached.GetProperty("scoreId").GetInt64(), fresh.GetProperty("scoreId").GetInt64());
        Assert.Equal(cached.GetProperty("scoreId").GetInt64(), Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("scoreId").GetInt64());
        Assert.Equal(2, Assert.Single(trend.GetProperty("months").EnumerateArray()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_driver_without_trips_in_the_period_is_a_422_problem_and_nothing_is_stored()
    {
        var driver = await DriverWithTripsAsync(database, "risk-3", 0);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Risk(driver, "recalculate"), null);
        using var read = await admin.GetAsync(Risk(driver, "score"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "https://telematics.dev/problems/no-trips-in-period");
        Assert.Contains("No stored trips", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_past_period_is_scored_up_to_the_start_of_its_end_date_and_a_future_end_is_refused()
    {
        // Daily trips one to four days back; the two days before the day two days back hold the oldest two.
        var driver = await DriverWithTripsAsync(database, "risk-past", 4);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var end = today.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var past = await ProblemAssert.JsonAsync(await admin.PostAsync(Risk(driver, $"recalculate?periodDays=2&periodEnd={end}"), null));
        using var future = await admin.PostAsync(Risk(driver, $"recalculate?periodEnd={today.AddDays(1):yyyy-MM-dd}"), null);

        var score = past.GetProperty("score");
        Assert.Equal(2, past.GetProperty("tripCount").GetInt32());
        Assert.Equal(new DateTimeOffset(today.AddDays(-2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), score.GetProperty("periodEnd").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(today.AddDays(-4).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), score.GetProperty("periodStart").GetDateTimeOffset());
        var problem = await ProblemAssert.IsProblemAsync(future, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("periodEnd", out _));
    }

    [Fact]
    public async Task A_batch_over_a_past_period_scores_the_trips_before_its_end_and_a_future_end_is_refused()
    {
        // Trips one to three days back: a period ending three days back holds none, one ending two days back one.
        var earlier = await DriverWithTripsAsync(database, "batch-past", 3);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var batch = new Uri("/api/v1/risk/batch-calculate", UriKind.Relative);

        var past = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync(batch, new { driverIds = new[] { earlier }, periodDays = 1, periodEnd = today.AddDays(-2) }));
        var none = await ProblemAssert.JsonAsync(await admin.PostAsJsonAsync(batch, new { driverIds = new[] { earlier }, periodDays = 1, periodEnd = today.AddDays(-3) }));
        using var future = await admin.PostAsJsonAsync(batch, new { driverIds = new[] { earlier }, periodEnd = today.AddDays(1) });

        Assert.Equal(1, past.GetProperty("scored").GetInt32());
        Assert.Equal(0, none.GetProperty("scored").GetInt32());
        var problem = await ProblemAssert.IsProblemAsync(future, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("periodEnd", out _));
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1999-12-31")]
    public async Task A_period_end_before_2000_is_refused_naming_it_for_one_driver_and_a_batch(string day)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var one = await admin.PostAsync(Risk(1, $"recalculate?periodEnd={day}&periodDays=30"), null);
        using var batch = await admin.PostAsync(
            new Uri("/api/v1/risk/batch-calculate", UriKind.Relative),
            new StringContent($$"""{"driverIds": [1], "periodEnd": "{{day}}"}""", System.Text.Encoding.UTF8, "application/json"));

        foreach (var response in new[] { one, batch })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
            Assert.Contains("2000-01-01", problem.GetProperty("errors").GetProperty("periodEnd")[0].GetString()!, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("""{"driverIds": [1], "periodEnd": "01/03/2026"}""", "periodEnd", "give a date as YYYY-MM-DD")]
    [InlineData("""{"driverIds": ["one"]}""", "driverIds[0]", "give a whole number")]
    [InlineData("""{"driverIds": [1], "periodDays": "thirty"}""", "periodDays", "give a whole number")]
    public async Task A_batch_body_value_of_the_wrong_form_is_told_the_form_it_should_take(string json, string field, string form)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(
            new Uri("/api/v1/risk/batch-calculate", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        var error = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.True(error.Contains(form, StringComparison.Ordinal), error);
        Assert.DoesNotContain("System.", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    public async Task A_period_outside_1_to_365_days_is_a_validation_problem_naming_periodDays(int days)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(Risk(1, $"recalculate?periodDays={days}"), null);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("periodDays", out _));
    }

    [Fact]
    public async Task A_driver_reads_its_own_score_and_not_another_drivers()
    {
        var own = await DriverWithTripsAsync(database, "risk-4", 3);
        var other = await DriverWithTripsAsync(database, "risk-5", 3);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        (await admin.PostAsync(Risk(own, "recalculate"), null)).Dispose();
        (await admin.PostAsync(Risk(other, "recalculate"), null)).Dispose();
        using var driver = host.ClientAs(TestTokens.Driver(Id(own)));

        using var mine = await driver.GetAsync(Risk(own, "score"));
        using var theirs = await driver.GetAsync(Risk(other, "breakdown"));

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        await ProblemAssert.IsProblemAsync(theirs, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
    }

    [Fact]
    public async Task A_batch_returns_the_summary_with_each_driver_not_scored_and_why()
    {
        var careful = await DriverWithTripsAsync(database, "batch-1", 8, nightShare: 0.01f, harshPer100Km: 0.1f);
        var risky = await DriverWithTripsAsync(database, "batch-2", 8, nightShare: 0.6f, harshPer100Km: 9);
        var idle = await DriverWithTripsAsync(database, "batch-3", 0);
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsJsonAsync(new Uri("/api/v1/risk/batch-calculate", UriKind.Relative), new { driverIds = new[] { careful, risky, idle }, periodDays = 30 });
        var summary = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, summary.GetProperty("count").GetInt32());
        Assert.Equal(2, summary.GetProperty("scored").GetInt32());
        var failure = Assert.Single(summary.GetProperty("failures").EnumerateArray());
        Assert.Equal(idle, failure.GetProperty("driverId").GetInt64());
        Assert.Contains("No stored trips", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(summary.GetProperty("p95").GetDouble() >= summary.GetProperty("p50").GetDouble());
        Assert.Equal(2, summary.GetProperty("byCategory").EnumerateObject().Sum(c => c.Value.GetInt32()));
        Assert.Equal(2, await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id IN ({careful}, {risky}, {idle})"));
    }

    [Fact]
    public async Task A_batch_of_more_than_1000_drivers_is_a_validation_problem_naming_driverIds()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsJsonAsync(
            new Uri("/api/v1/risk/batch-calculate", UriKind.Relative), new { driverIds = Enumerable.Range(1, 1001).ToArray() });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("driverIds", out _));
    }
}
