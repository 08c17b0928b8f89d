using System.Globalization;
using System.Net;
using System.Text.Json;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Results;
using Telematics.Scoring.Shipped;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// A score of a model with sampling noise is served with its 90 % interval, the same on the recalculation, later reads
/// and the driver summary; a score of the built-in rules is served with a null interval.
/// </summary>
public sealed class ScoreIntervalEndpointTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    private static Uri Risk(long driverId, string path) => new($"/api/v1/risk/{driverId}/{path}", UriKind.Relative);

    private static Uri Summary(long driverId) => new($"/api/v1/drivers/{driverId}/summary", UriKind.Relative);

    // The book list filtered to one driver by its display name (RiskTestData names a driver "Driver " + its reference).
    private static Uri BookRow(string reference) => new($"/api/v1/admin/dashboard/drivers?name=Driver%20{reference}", UriKind.Relative);

    [Fact]
    public async Task A_model_with_sampling_noise_serves_each_score_with_its_interval_and_whether_its_category_is_settled()
    {
        var driver = await DriverWithTripsAsync(database, "interval-noisy", 8, nightShare: 0.3f, harshPer100Km: 5);
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:Model", _model.Root).With("Scoring:DefaultModel", ShippedModel.Name);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var score = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        var history = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "history?page=1&pageSize=1")));
        var summary = await ProblemAssert.JsonAsync(await admin.GetAsync(Summary(driver)));
        var book = await ProblemAssert.JsonAsync(await admin.GetAsync(BookRow("interval-noisy")));

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal(ShippedModel.Name, score.GetProperty("model").GetString());
        var interval = score.GetProperty("interval");
        var (low, high) = (interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());
        Assert.InRange(low, 0, score.GetProperty("score").GetDouble());
        Assert.InRange(high, score.GetProperty("score").GetDouble(), 100);
        Assert.True(low < high, $"Eight trips give an interval of some width, not {interval}.");
        Assert.Equal(0.9, interval.GetProperty("level").GetDouble());
        // The ends are written as the shortest decimals of the stored floats, not their double expansions.
        Assert.Equal(((float)low).ToString(CultureInfo.InvariantCulture), interval.GetProperty("low").GetRawText());
        Assert.Equal(((float)high).ToString(CultureInfo.InvariantCulture), interval.GetProperty("high").GetRawText());
        var (lowCategory, highCategory) = (RiskCategories.FromScore(low).ToWireName(), RiskCategories.FromScore(high).ToWireName());
        Assert.Equal((lowCategory, highCategory), (interval.GetProperty("lowCategory").GetString(), interval.GetProperty("highCategory").GetString()));
        Assert.Equal(lowCategory == highCategory, interval.GetProperty("settled").GetBoolean());
        // The answer of the recalculation is the stored interval: every read returns the same object.
        Assert.Equal(interval.GetRawText(), body.GetProperty("score").GetProperty("interval").GetRawText());
        Assert.Equal(interval.GetRawText(), Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("interval").GetRawText());
        Assert.Equal(interval.GetRawText(), summary.GetProperty("latestScore").GetProperty("interval").GetRawText());
        Assert.Equal(interval.GetRawText(), Assert.Single(book.GetProperty("items").EnumerateArray()).GetProperty("interval").GetRawText());
    }

    [Fact]
    public async Task A_score_of_the_built_in_rules_is_served_with_a_null_interval()
    {
        var driver = await DriverWithTripsAsync(database, "interval-rules", 8);
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(Risk(driver, "recalculate?periodDays=30"), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        var score = await ProblemAssert.JsonAsync(await admin.GetAsync(Risk(driver, "score")));
        var summary = await ProblemAssert.JsonAsync(await admin.GetAsync(Summary(driver)));
        var book = await ProblemAssert.JsonAsync(await admin.GetAsync(BookRow("interval-rules")));

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal("builtin-rules", score.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("score").GetProperty("interval").ValueKind);
        Assert.Equal(JsonValueKind.Null, score.GetProperty("interval").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("latestScore").GetProperty("interval").ValueKind);
        Assert.Equal(JsonValueKind.Null, Assert.Single(book.GetProperty("items").EnumerateArray()).GetProperty("interval").ValueKind);
    }
}
