using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Features.Schema;
using Telematics.Scoring.Results;
using Telematics.Scoring.Service;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Model <c>risk</c> versions 1 and 2 (champion → 1) are served; experiments refer to them.</summary>
public sealed class ExperimentsEndpointsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string Validation = "https://telematics.dev/problems/validation";
    private readonly ModelDirectory _models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 0.5).WriteAliases("risk", """{"champion": "1"}""");

    public void Dispose() => _models.Dispose();

    private ApiHost Host(bool withModels = true)
    {
        var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        return withModels ? host.With("Scoring:ModelDirectory", _models.Root).With("Scoring:DefaultModel", "risk") : host;
    }

    private static Uri Experiment(string name, string suffix = "") => new($"/api/v1/experiments/{name}{suffix}", UriKind.Relative);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Split(string name, int controlBp, string treatment = "risk@2") => $$"""
        {"name": "{{name}}", "salt": "s-{{name}}", "variants": [
          {"name": "control", "model": "champion", "weight_bp": {{controlBp}}},
          {"name": "treatment", "model": "{{treatment}}", "weight_bp": {{10_000 - controlBp}}},
          {"name": "shadow", "model": "risk@2", "shadow": true}]}
        """;

    // Some driving: a vector of no trips is not scored.
    private static float[] Vector()
    {
        var vector = new float[TelematicsFeatures.Schema.Count];
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.TripCount)] = 4;
        vector[TelematicsFeatures.Schema.IndexOf(TelematicsFeatures.DistanceKm)] = 60;
        return vector;
    }

    [Fact]
    public async Task A_put_experiment_is_created_readable_audited_and_serves_the_next_score()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: "carol"));

        using var created = await admin.PutAsync(Experiment("exp-create"), Json(Split("exp-create", 0)));
        using var read = await admin.GetAsync(Experiment("exp-create"));
        var body = await ProblemAssert.JsonAsync(read);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/experiments/exp-create", created.Headers.Location?.OriginalString);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("store", body.GetProperty("source").GetString());
        Assert.Equal("api:carol", body.GetProperty("updatedBy").GetString());
        var variants = body.GetProperty("definition").GetProperty("variants");
        Assert.Equal(10_000, variants[1].GetProperty("weight_bp").GetInt32());
        Assert.True(variants[2].GetProperty("shadow").GetBoolean());

        // Every driver is in "treatment" (risk@2), scored with the shadow beside it.
        var score = host.Services.GetRequiredService<ExperimentScorer>().Score("d-1", Vector(), "exp-create");
        Assert.Equal(("2", "treatment"), (score.ModelVersion, score.Experiment!.Value.Variant));
        Assert.Single(score.ShadowScores);
        await using var audit = database.DataSource.CreateCommand("SELECT actor, before IS NULL FROM audit_log WHERE action = 'experiment.put' AND resource = 'experiment/exp-create'");
        await using var row = await audit.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("api:carol", true), (row.GetString(0), row.GetBoolean(1)));
    }

    [Fact]
    public async Task The_list_names_every_experiment_with_whether_it_serves_and_where_it_comes_from()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        using var put = await admin.PutAsync(Experiment("exp-listed"), Json(Split("exp-listed", 5_000)));

        using var listed = await admin.GetAsync(new Uri("/api/v1/experiments", UriKind.Relative));
        var items = (await ProblemAssert.JsonAsync(listed)).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var item = Assert.Single(items, i => i.GetProperty("name").GetString() == "exp-listed");
        Assert.True(item.GetProperty("active").GetBoolean());
        Assert.Equal("store", item.GetProperty("source").GetString());
        var names = items.Select(i => i.GetProperty("name").GetString()).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal).ToArray(), names);
    }

    [Fact]
    public async Task Replacing_an_experiment_answers_200_takes_effect_without_a_restart_and_survives_one()
    {
        await using (var host = Host())
        {
            using var admin = host.ClientAs(TestTokens.Admin());
            using var first = await admin.PutAsync(Experiment("exp-replace"), Json(Split("exp-replace", 10_000)));
            using var cached = await admin.GetAsync(Experiment("exp-replace"));
            using var replaced = await admin.PutAsync(Experiment("exp-replace"), Json(Split("exp-replace", 0)));
            using var read = await admin.GetAsync(Experiment("exp-replace"));

            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
            Assert.Equal(0, (await ProblemAssert.JsonAsync(read)).GetProperty("definition").GetProperty("variants")[0].GetProperty("weight_bp").GetInt32());
            Assert.Equal("2", host.Services.GetRequiredService<ExperimentScorer>().Score("d-9", Vector(), "exp-replace").ModelVersion);
        }

        await using var restarted = Host();
        using var analyst = restarted.ClientAs(TestTokens.Analyst());
        using var afterRestart = await analyst.GetAsync(Experiment("exp-replace"));

        Assert.True((await ProblemAssert.JsonAsync(afterRestart)).GetProperty("active").GetBoolean());
        Assert.Equal("2", restarted.Services.GetRequiredService<ExperimentScorer>().Score("d-9", Vector(), "exp-replace").ModelVersion);
    }

    [Theory]
    [InlineData("""{"name": "exp-bad", "salt": "s", "variants": [{"name": "a", "model": "champion", "weight_bp": 6000}, {"name": "b", "model": "risk@2", "weight_bp": 3000}]}""", "variants")]
    [InlineData("""{"name": "exp-bad", "salt": "s", "variants": [{"name": "a", "model": "champion", "weight_bp": 5000}, {"name": "b", "model": "risk@9", "weight_bp": 5000}]}""", "variants[1].model")]
    [InlineData("""{"name": "exp-bad", "salt": "s", "variants": [{"name": "a", "model": "champion", "wieght_bp": 10000}]}""", "variants[0].wieght_bp")]
    [InlineData("""{"name": "exp-other", "salt": "s", "variants": [{"name": "a", "model": "champion", "weight_bp": 10000}]}""", "name")]
    [InlineData("""{"name": "exp-bad", "variants": [{"name": "a", "model": "champion", "weight_bp": 10000}]}""", "salt")]
    public async Task An_invalid_experiment_is_a_validation_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PutAsync(Experiment("exp-bad"), Json(json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, Validation);
        using var read = await admin.GetAsync(Experiment("exp-bad"));

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_stored_experiment_whose_model_is_gone_after_a_restart_reads_as_inactive_with_the_reason()
    {
        await using (var host = Host())
        {
            using var admin = host.ClientAs(TestTokens.Admin());
            using var put = await admin.PutAsync(Experiment("exp-orphan"), Json(Split("exp-orphan", 5_000)));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Restarted without the model directory: risk@2 is no longer served.
        await using var restarted = Host(withModels: false);
        using var analyst = restarted.ClientAs(TestTokens.Analyst());
        using var read = await analyst.GetAsync(Experiment("exp-orphan"));
        var body = await ProblemAssert.JsonAsync(read);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Contains("is not served", body.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.False(restarted.Services.GetRequiredService<ExperimentScorer>().TryGetExperiment("exp-orphan", out _));
    }

    [Fact]
    public async Task Metrics_compare_the_variants_latest_scores_over_the_period()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        using var put = await admin.PutAsync(Experiment("exp-metrics"), Json(Split("exp-metrics", 5_000)));
        var drivers = host.Services.GetRequiredService<DriverRepository>();
        var scores = host.Services.GetRequiredService<ScoreRepository>();
        var actor = new AuditActor("test:seed");
        var at = new DateTimeOffset(2026, 2, 10, 12, 0, 0, TimeSpan.Zero);
        foreach (var (variant, score) in new[] { ("control", 10.0), ("control", 30.0), ("treatment", 70.0) })
        {
            var driver = await drivers.CreateAsync("ext-m-" + Guid.NewGuid().ToString("N"), "metrics", actor);
            await scores.AddAsync(new RiskScoreRecord(driver.DriverId, at, at.AddDays(-30), at, score, RiskCategories.FromScore(score), 0, "risk", "1", "exp-metrics", variant, [], []), actor);
        }

        using var response = await admin.GetAsync(Experiment("exp-metrics", "/metrics?from=2026-02-01&to=2026-02-28"));
        var body = await ProblemAssert.JsonAsync(response);
        using var outside = await admin.GetAsync(Experiment("exp-metrics", "/metrics?from=2026-03-01&to=2026-03-31"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var variants = body.GetProperty("variants");
        Assert.Equal(["control", "treatment"], variants.EnumerateArray().Select(v => v.GetProperty("variant").GetString()));
        Assert.Equal((2, 20.0), (variants[0].GetProperty("scoredDrivers").GetInt64(), variants[0].GetProperty("meanScore").GetDouble()));
        Assert.Equal(1, variants[0].GetProperty("categories").GetProperty("excellent").GetInt64());
        Assert.Equal(1, variants[1].GetProperty("categories").GetProperty("belowAverage").GetInt64());
        Assert.Equal(0, (await ProblemAssert.JsonAsync(outside)).GetProperty("variants").GetArrayLength());
    }

    [Theory]
    [InlineData("/metrics?from=2026-03-02&to=2026-03-01", HttpStatusCode.BadRequest, "validation")]
    [InlineData("/metrics?from=2024-01-01&to=2026-01-01", HttpStatusCode.BadRequest, "validation")]
    [InlineData("/metrics", HttpStatusCode.NotFound, "not-found")]
    public async Task Metrics_of_an_unknown_experiment_or_a_bad_period_are_refused(string suffix, HttpStatusCode status, string type)
    {
        await using var host = Host();
        using var analyst = host.ClientAs(TestTokens.Analyst());

        using var response = await analyst.GetAsync(Experiment("exp-never-defined", suffix));

        await ProblemAssert.IsProblemAsync(response, status, "https://telematics.dev/problems/" + type);
    }
}
