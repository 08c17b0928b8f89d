using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Extensions.DependencyInjection;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Model <c>risk</c> has versions 1 and 2 (champion → 1) in a real model directory served by the host's registry.</summary>
public sealed class ModelsEndpointsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static readonly Uri Models = new("/api/v1/models", UriKind.Relative);
    private readonly ModelDirectory _models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 0.5).WriteAliases("risk", """{"champion": "1"}""");

    public void Dispose() => _models.Dispose();

    private ApiHost Host() => new ApiHost()
        .With("ConnectionStrings:Telematics", database.ConnectionString)
        .With("Scoring:ModelDirectory", _models.Root)
        .With("Scoring:DefaultModel", "risk");

    private static JsonElement Model(JsonElement catalog, string name) =>
        catalog.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);

    private static string[] AliasesOf(JsonElement model, string version) =>
        [.. model.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == version)
            .GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!)];

    [Fact]
    public async Task The_list_shows_every_model_with_versions_aliases_and_what_serves_by_default()
    {
        await using var host = Host();
        using var analyst = host.ClientAs(TestTokens.Analyst());

        using var response = await analyst.GetAsync(Models);
        var catalog = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(catalog.GetProperty("isReady").GetBoolean());
        Assert.Equal("risk@1", catalog.GetProperty("defaultModel").GetString());
        Assert.Equal("1", Model(catalog, "builtin-rules").GetProperty("servingVersion").GetString());
        var risk = Model(catalog, "risk");
        Assert.Equal("1", risk.GetProperty("servingVersion").GetString());
        Assert.Equal(["1", "2"], risk.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.Equal(["champion"], AliasesOf(risk, "1"));
        Assert.Equal("rules", risk.GetProperty("versions")[1].GetProperty("kind").GetString());

        // Where the server keeps the files is for model managers (admin); an analyst sees the model and version part.
        Assert.Equal("risk/2", risk.GetProperty("versions")[1].GetProperty("source").GetString());
        Assert.DoesNotContain(_models.Root, catalog.GetRawText(), StringComparison.Ordinal);
        using var admin = host.ClientAs(TestTokens.Admin());
        var full = Model(await ProblemAssert.JsonAsync(await admin.GetAsync(Models)), "risk");
        Assert.StartsWith(_models.Root, full.GetProperty("versions")[1].GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promoting_a_champion_the_served_pricing_plan_does_not_fit_is_refused_and_changes_nothing()
    {
        // risk@1 outputs a probability and is priced by the score plan chosen at start; risk@3 outputs a claim frequency.
        _models.WriteRules("risk", "3", 0.2, outputKind: "frequency");
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var refused = await admin.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "champion", version = "3" });
        var problem = await ProblemAssert.JsonAsync(refused);
        using var challenger = await admin.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "challenger", version = "3" });
        var catalog = await ProblemAssert.JsonAsync(await admin.GetAsync(Models));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Promoting risk@3 to champion would serve a model the pricing plan", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("telematics_relativity", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, challenger.StatusCode);
        Assert.Equal("risk@1", catalog.GetProperty("defaultModel").GetString());
        Assert.Equal(["champion"], AliasesOf(Model(catalog, "risk"), "1"));
    }

    [Fact]
    public async Task A_hot_reload_to_a_champion_the_plan_does_not_fit_makes_the_host_not_ready_with_the_reason()
    {
        _models.WriteRules("risk", "3", 0.2, outputKind: "frequency");
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        using var before = await admin.GetAsync(new Uri("/health/ready", UriKind.Relative));

        // Changed under the running host, as a deployment script might: the registry reloads, the API was never asked.
        _models.WriteAliases("risk", """{"champion": "3"}""");
        host.Services.GetRequiredService<Telematics.Scoring.Registry.ModelRegistry>().Reload();
        using var after = await admin.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var body = await ProblemAssert.JsonAsync(after);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        var check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "pricing-plan");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("does not fit the served model risk@3", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promoting_moves_the_alias_serves_the_new_version_at_once_and_audits_before_and_after()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Create("admin", subject: "alice"));
        using var cached = await admin.GetAsync(Models); // fills the cache that the promotion must not leave stale

        using var promoted = await admin.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "champion", version = "2" });
        var body = await ProblemAssert.JsonAsync(promoted);
        using var listed = await admin.GetAsync(Models);
        var catalog = await ProblemAssert.JsonAsync(listed);

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("2", body.GetProperty("servingVersion").GetString());
        Assert.Equal("risk@2", catalog.GetProperty("defaultModel").GetString());
        Assert.Equal(["champion"], AliasesOf(Model(catalog, "risk"), "2"));
        Assert.Contains("\"2\"", await File.ReadAllTextAsync(Path.Combine(_models.Root, "risk", "aliases.json")), StringComparison.Ordinal);
        await using var audit = database.DataSource.CreateCommand(
            "SELECT actor, before->>'version', after->>'version' FROM audit_log WHERE action = 'model.promote' AND resource = 'model/risk' ORDER BY seq DESC LIMIT 1");
        await using var row = await audit.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("api:alice", "1", "2"), (row.GetString(0), row.GetString(1), row.GetString(2)));
    }

    [Fact]
    public async Task The_versions_of_one_model_are_listed_and_an_unknown_model_is_404()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var known = await admin.GetAsync(new Uri("/api/v1/models/risk/versions", UriKind.Relative));
        using var unknown = await admin.GetAsync(new Uri("/api/v1/models/absent/versions", UriKind.Relative));

        Assert.Equal(2, (await ProblemAssert.JsonAsync(known)).GetProperty("versions").GetArrayLength());
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "https://telematics.dev/problems/not-found");
    }

    [Theory]
    [InlineData("absent", "{\"alias\":\"champion\",\"version\":\"1\"}", HttpStatusCode.NotFound, "not-found", null)]
    [InlineData("risk", "{\"alias\":\"champion\",\"version\":\"9\"}", HttpStatusCode.NotFound, "not-found", null)]
    [InlineData("risk", "{\"alias\":\"-bad alias\",\"version\":\"2\"}", HttpStatusCode.BadRequest, "validation", "alias")]
    [InlineData("risk", "{\"alias\":\"champion\"}", HttpStatusCode.BadRequest, "validation", "version")]
    [InlineData("builtin-rules", "{\"alias\":\"champion\",\"version\":\"1\"}", HttpStatusCode.Conflict, "conflict", null)]
    public async Task A_promotion_the_registry_cannot_make_is_refused_and_changes_nothing(string model, string json, HttpStatusCode status, string type, string? field)
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());

        using var response = await admin.PostAsync(
            new Uri($"/api/v1/models/{model}/aliases", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblemAsync(response, status, "https://telematics.dev/problems/" + type);

        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
        }

        Assert.Equal("""{"champion": "1"}""", await File.ReadAllTextAsync(Path.Combine(_models.Root, "risk", "aliases.json")));
    }
}
