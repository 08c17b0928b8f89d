using System.Net;
using System.Text;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// The host scores stored drivers in experiment <c>exp-shadow</c>: every driver served by <c>risk@1</c>, with <c>risk@2</c>
/// (another intercept, so other scores) scored and stored beside it as shadow variant <c>challenger</c>.
/// </summary>
public sealed class ExperimentShadowMetricsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private const string Definition = """
        {"name": "exp-shadow", "salt": "s-shadow", "variants": [
          {"name": "control", "model": "champion", "weight_bp": 10000},
          {"name": "challenger", "model": "risk@2", "shadow": true}]}
        """;

    private readonly ModelDirectory _models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 1.5).WriteAliases("risk", """{"champion": "1"}""");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _models.Dispose();

    private ApiHost Host() => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("Scoring:ModelDirectory", _models.Root)
        .With("Scoring:DefaultModel", "risk")
        .With("Scoring:Experiment", "exp-shadow");

    [Fact]
    public async Task Metrics_compare_each_shadow_variant_with_the_served_scores_and_risk_reads_show_only_the_served_score()
    {
        long[] drivers =
        [
            await DriverWithTripsAsync(database, "shadow-api-1", 6, nightShare: 0.01f),
            await DriverWithTripsAsync(database, "shadow-api-2", 6, nightShare: 0.3f),
            await DriverWithTripsAsync(database, "shadow-api-3", 6, nightShare: 0.6f, harshPer100Km: 9),
        ];
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        using var put = await admin.PutAsync(new Uri("/api/v1/experiments/exp-shadow", UriKind.Relative), new StringContent(Definition, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        foreach (var driver in drivers)
        {
            using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        }

        var metrics = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri("/api/v1/experiments/exp-shadow/metrics", UriKind.Relative)));
        var history = await ProblemAssert.JsonAsync(await admin.GetAsync(new Uri($"/api/v1/risk/{drivers[2]}/history", UriKind.Relative)));

        // What was stored: one shadow row per driver, scored by risk@2, beside the served risk@1 score.
        var ids = string.Join(", ", drivers);
        Assert.Equal(3, await CountAsync(database, $"SELECT count(*) FROM shadow_scores WHERE driver_id IN ({ids}) AND variant = 'challenger' AND model_version = '2'"));
        Assert.Equal(3, await CountAsync(database, $"SELECT count(*) FROM shadow_scores s JOIN risk_scores r USING (score_id) WHERE s.driver_id IN ({ids}) AND s.score > r.score"));
        var agreeing = await CountAsync(database, $"SELECT count(*) FROM shadow_scores s JOIN risk_scores r USING (score_id) WHERE s.driver_id IN ({ids}) AND s.category = r.category");
        var meanTimes1000 = await CountAsync(database, $"SELECT round(avg(score) * 1000) FROM shadow_scores WHERE driver_id IN ({ids})");

        var served = Assert.Single(metrics.GetProperty("variants").EnumerateArray());
        Assert.Equal(("control", 3L), (served.GetProperty("variant").GetString(), served.GetProperty("scoredDrivers").GetInt64()));
        var shadow = Assert.Single(metrics.GetProperty("shadows").EnumerateArray());
        Assert.Equal(("challenger", 3L), (shadow.GetProperty("variant").GetString(), shadow.GetProperty("scoredDrivers").GetInt64()));
        Assert.Equal(meanTimes1000 / 1000.0, shadow.GetProperty("meanScore").GetDouble(), 3);
        Assert.Equal(agreeing / 3.0, shadow.GetProperty("sameCategoryShare").GetDouble(), 9);
        Assert.True(served.GetProperty("meanScore").GetDouble() < shadow.GetProperty("meanScore").GetDouble());
        // Rule models record no sampling noise: no interval, so no settled disagreement to count.
        Assert.Equal(System.Text.Json.JsonValueKind.Null, shadow.GetProperty("settledDisagreementShare").ValueKind);

        var item = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal(("1", "control"), (item.GetProperty("modelVersion").GetString(), item.GetProperty("variant").GetString()));
    }
}
