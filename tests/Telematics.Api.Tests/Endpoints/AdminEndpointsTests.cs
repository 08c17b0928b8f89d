using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Caching;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Dashboards, audit listing and partitions; each test reads its own period so the shared database does not interfere.</summary>
public sealed class AdminEndpointsTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    private static readonly AuditActor Seed = new("test:seed");

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Url(string path) => new("/api/v1/admin/" + path, UriKind.Relative);

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 12) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private async Task TripAsync(long driverId, DateTimeOffset startedAt, double km)
    {
        await using var command = database.DataSource.CreateCommand(
            "INSERT INTO trips (driver_id, started_at, ended_at, distance_km, sample_count, harsh_brake_count, rapid_accel_count, harsh_corner_count, feature_schema, feature_version, features) " +
            "VALUES ($1, $2, $3, $4, 10, 0, 0, 0, 'telematics', 1, array_fill(0::real, ARRAY[29]))");
        command.Parameters.AddWithValue(driverId);
        command.Parameters.AddWithValue(startedAt.UtcDateTime);
        command.Parameters.AddWithValue(startedAt.AddMinutes(15).UtcDateTime);
        command.Parameters.AddWithValue(km);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> DriverAsync(ApiHost host) =>
        (await host.Services.GetRequiredService<DriverRepository>().CreateAsync("ext-admin-" + Guid.NewGuid().ToString("N"), "Admin Test", Seed)).DriverId;

    private static async Task ScoreAsync(ApiHost host, long driverId, DateTimeOffset at, double score, ScoreInterval? interval = null) =>
        await host.Services.GetRequiredService<ScoreRepository>().AddAsync(
            new RiskScoreRecord(driverId, at, at.AddDays(-30), at, score, RiskCategories.FromScore(score), 0, "builtin-rules", "1", null, null, [], [])
            {
                Interval = interval,
            },
            Seed);

    [Fact]
    public async Task Creating_and_erasing_a_driver_through_the_api_shows_at_once_in_the_cached_book_summary()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var url = Url("dashboard/summary?from=2025-06-01&to=2025-06-30");
        var before = (await ProblemAssert.JsonAsync(await admin.GetAsync(url))).GetProperty("drivers").GetInt64();

        using var created = await admin.PostAsJsonAsync(new Uri("/api/v1/drivers", UriKind.Relative), new { externalRef = "ext-book-" + Guid.NewGuid().ToString("N"), displayName = "Book Test" });
        var id = (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
        var afterCreate = (await ProblemAssert.JsonAsync(await admin.GetAsync(url))).GetProperty("drivers").GetInt64();
        using var erased = await admin.DeleteAsync(new Uri($"/api/v1/drivers/{id}", UriKind.Relative));
        var afterErase = (await ProblemAssert.JsonAsync(await admin.GetAsync(url))).GetProperty("drivers").GetInt64();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal((before + 1, before), (afterCreate, afterErase));
    }

    [Fact]
    public async Task The_summary_reports_the_periods_trips_km_scores_and_premiums_and_is_cached_until_dashboards_are_invalidated()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var a = await DriverAsync(host);
        var b = await DriverAsync(host);
        await TripAsync(a, Utc(2025, 5, 3), 12.5);
        await TripAsync(b, Utc(2025, 5, 31, 23), 7.5);
        await ScoreAsync(host, a, Utc(2025, 5, 4), 20);
        await ScoreAsync(host, b, Utc(2025, 5, 5), 60);
        await host.Services.GetRequiredService<PremiumRepository>().AddAsync(new PremiumRecord(a, null, Utc(2025, 5, 6), "EUR", 400m, 380.5m, "{}"), Seed);
        var url = Url("dashboard/summary?from=2025-05-01&to=2025-05-31");

        var first = await ProblemAssert.JsonAsync(await admin.GetAsync(url));
        await TripAsync(a, Utc(2025, 5, 20), 100);
        var cached = await ProblemAssert.JsonAsync(await admin.GetAsync(url));
        await host.Services.GetRequiredService<ApiCache>().InvalidateAsync([CacheTags.Dashboards]);
        var fresh = await ProblemAssert.JsonAsync(await admin.GetAsync(url));

        Assert.Equal((2, 20.0), (first.GetProperty("trips").GetInt64(), first.GetProperty("distanceKm").GetDouble()));
        Assert.Equal((2, 40.0), (first.GetProperty("scoredDrivers").GetInt64(), first.GetProperty("meanScore").GetDouble()));
        var premium = Assert.Single(first.GetProperty("premiums").EnumerateArray());
        Assert.Equal(("EUR", 380.5m), (premium.GetProperty("currency").GetString(), premium.GetProperty("total").GetDecimal()));
        Assert.Equal(2, cached.GetProperty("trips").GetInt64());
        Assert.Equal((3, 120.0), (fresh.GetProperty("trips").GetInt64(), fresh.GetProperty("distanceKm").GetDouble()));
    }

    [Fact]
    public async Task The_risk_distribution_buckets_each_drivers_latest_score()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        foreach (var score in new[] { 3.0, 55.0, 99.5 })
        {
            var driver = await DriverAsync(host);
            await ScoreAsync(host, driver, Utc(2025, 7, 1), 50);
            await ScoreAsync(host, driver, Utc(2025, 7, 2), score);
        }

        var body = await ProblemAssert.JsonAsync(await admin.GetAsync(Url("dashboard/risk-distribution?from=2025-07-01&to=2025-07-31")));

        Assert.Equal(3, body.GetProperty("scoredDrivers").GetInt64());
        var histogram = body.GetProperty("histogram").EnumerateArray().Select(b => b.GetProperty("drivers").GetInt64()).ToArray();
        Assert.Equal([1L, 0, 0, 0, 0, 1, 0, 0, 0, 1], histogram);
        Assert.Equal((90, 100), (body.GetProperty("histogram")[9].GetProperty("from").GetInt32(), body.GetProperty("histogram")[9].GetProperty("to").GetInt32()));
        var categories = body.GetProperty("categories");
        Assert.Equal((1, 1, 1), (categories.GetProperty("excellent").GetInt64(), categories.GetProperty("average").GetInt64(), categories.GetProperty("high").GetInt64()));
    }

    [Fact]
    public async Task Trip_activity_has_one_entry_per_day_of_the_period()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DriverAsync(host);
        await TripAsync(driver, Utc(2025, 8, 2), 5);

        var body = await ProblemAssert.JsonAsync(await admin.GetAsync(Url("dashboard/trip-activity?from=2025-08-01&to=2025-08-03")));

        var days = body.GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("day").GetString(), d.GetProperty("trips").GetInt64(), d.GetProperty("distanceKm").GetDouble())).ToArray();
        Assert.Equal([("2025-08-01", 0L, 0.0), ("2025-08-02", 1L, 5.0), ("2025-08-03", 0L, 0.0)], days);
    }

    [Fact]
    public async Task The_book_drivers_sort_by_latest_score_with_the_unscored_last_and_filter_by_name()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var tag = Guid.NewGuid().ToString("N")[..8];
        var drivers = new List<long>();
        foreach (var name in new[] { "low", "high", "none" })
        {
            var driver = new NewDriver($"ext-book-{tag}-{name}", $"Book {tag} {name}") { Region = name == "high" ? "FR-75" : null, AgeBand = name == "high" ? "under25" : null, VehicleClass = name == "high" ? "suv" : null };
            var id = (await host.Services.GetRequiredService<DriverRepository>().CreateAsync(driver, Seed, CancellationToken.None)).DriverId;
            drivers.Add(id);
        }

        // An older score's interval is not the latest's: drivers[0]'s latest score has none.
        await ScoreAsync(host, drivers[0], Utc(2025, 9, 1), 80, new ScoreInterval(74, 86, 0.9));
        await ScoreAsync(host, drivers[0], Utc(2025, 9, 2), 12);
        await ScoreAsync(host, drivers[1], Utc(2025, 9, 2), 70, new ScoreInterval(55.5, 82.25, 0.9));
        await TripAsync(drivers[1], Utc(2025, 9, 3), 5);
        await host.Services.GetRequiredService<PremiumRepository>().AddAsync(new PremiumRecord(drivers[1], null, Utc(2025, 9, 3), "EUR", 500m, 610.25m, "{}"), Seed);

        var page = await ProblemAssert.JsonAsync(await admin.GetAsync(Url($"dashboard/drivers?name=book%20{tag}&sort=score&order=desc&pageSize=10")));
        var bad = await admin.GetAsync(Url("dashboard/drivers?sort=risk"));

        Assert.Equal(3, page.GetProperty("total").GetInt64());
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal([drivers[1], drivers[0], drivers[2]], items.Select(i => i.GetProperty("driverId").GetInt64()).ToArray());
        Assert.Equal((70.0, "below_average"), (items[0].GetProperty("score").GetDouble(), items[0].GetProperty("category").GetString()));
        Assert.Equal(("EUR", 610.25m), (items[0].GetProperty("currency").GetString(), items[0].GetProperty("premium").GetDecimal()));
        Assert.Equal(Utc(2025, 9, 3), items[0].GetProperty("lastTripAt").GetDateTimeOffset());
        Assert.Equal(("FR-75", "under25", "suv"), (items[0].GetProperty("region").GetString(), items[0].GetProperty("ageBand").GetString(), items[0].GetProperty("vehicleClass").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[1].GetProperty("ageBand").ValueKind);
        Assert.Equal(12.0, items[1].GetProperty("score").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[2].GetProperty("score").ValueKind);
        // The latest score's interval as every score response carries it: spanning average to high, the category is provisional.
        var interval = items[0].GetProperty("interval");
        Assert.Equal((55.5, 82.25, 0.9), (interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble(), interval.GetProperty("level").GetDouble()));
        Assert.False(interval.GetProperty("settled").GetBoolean());
        Assert.Equal(("average", "high"), (interval.GetProperty("lowCategory").GetString(), interval.GetProperty("highCategory").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[1].GetProperty("interval").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[2].GetProperty("interval").ValueKind);
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("sort", out _));
    }

    [Theory]
    [InlineData("dashboard/summary?from=2025-02-01&to=2025-01-01", "from")]
    [InlineData("dashboard/trip-activity?from=2024-01-01&to=2025-12-31", "to")]
    [InlineData("audit?pageSize=0", "pageSize")]
    [InlineData("audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "to")]
    [InlineData("audit?after=0", "after")]
    [InlineData("audit?page=2", "page")]
    [InlineData("dashboard/drivers?name=a%00b", "name")]
    public async Task A_bad_period_or_page_is_a_validation_problem_naming_the_field(string path, string field)
    {
        // The refusal depends on the query alone: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync(Url(path)), HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Fact]
    public async Task The_audit_log_pages_newest_first_filtered_by_action_and_resource()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var log = host.Services.GetRequiredService<AuditLog>();
        for (var i = 1; i <= 3; i++)
        {
            await log.AppendAsync(new AuditActor("api:dave"), "admin-test.touch", "thing/" + i.ToString(CultureInfo.InvariantCulture), null, "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}");
        }

        var page1 = await ProblemAssert.JsonAsync(await admin.GetAsync(Url("audit?action=admin-test.touch&pageSize=2")));
        var next = page1.GetProperty("nextAfter").GetInt64();
        var page2 = await ProblemAssert.JsonAsync(await admin.GetAsync(Url($"audit?action=admin-test.touch&pageSize=2&after={next}")));
        var one = await ProblemAssert.JsonAsync(await admin.GetAsync(Url("audit?resource=thing/2&actor=api:dave")));

        Assert.Equal(["thing/3", "thing/2"], page1.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("resource").GetString()));
        Assert.Equal(page1.GetProperty("items")[1].GetProperty("seq").GetInt64(), next);
        Assert.Equal(["thing/1"], page2.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("resource").GetString()));
        Assert.Equal(next, page2.GetProperty("after").GetInt64());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextAfter").ValueKind);
        var row = Assert.Single(one.GetProperty("items").EnumerateArray());
        Assert.Equal("{\"n\": 2}", row.GetProperty("after").GetString());
    }

    [Fact]
    public async Task Partitions_are_listed_with_their_rows()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        await host.Services.GetRequiredService<PartitionManager>().CreateAsync(new PartitionMonth(2025, 11), Seed);

        var body = await ProblemAssert.JsonAsync(await admin.GetAsync(Url("partitions")));

        var partitions = body.EnumerateArray().ToArray();
        var november = partitions.Single(p => p.GetProperty("name").GetString() == "telematics_events_2025_11");
        Assert.Equal(("[2025-11-01, 2025-12-01)", 0L), (november.GetProperty("range").GetString(), november.GetProperty("rows").GetInt64()));
        Assert.Equal("telematics_events_default", partitions[^1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_analyst_reads_the_dashboards_but_neither_the_audit_log_nor_the_partitions()
    {
        await using var host = Host();
        using var analyst = host.ClientAs(TestTokens.Analyst());

        using var dashboard = await analyst.GetAsync(Url("dashboard/summary"));
        using var audit = await analyst.GetAsync(Url("audit"));
        using var partitions = await analyst.GetAsync(Url("partitions"));

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        await ProblemAssert.IsProblemAsync(audit, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
        await ProblemAssert.IsProblemAsync(partitions, HttpStatusCode.Forbidden, "https://telematics.dev/problems/forbidden");
    }
}
