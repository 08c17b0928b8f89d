using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Experiments;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>
/// The plan prices every variant an experiment serves, not only the default model: <c>risk@1</c> outputs a score, which
/// the demo score plan fits; <c>risk@2</c> outputs a claim frequency, which a score plan would discard.
/// </summary>
public sealed class ExperimentPricingFitTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ModelDirectory _models = new ModelDirectory()
        .WriteRules("risk", "1", -1.0)
        .WriteRules("risk", "2", 0.2, outputKind: "frequency")
        .WriteAliases("risk", """{"champion": "1", "challenger": "1"}""");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _models.Dispose();

    private ApiHost Host(string? servedExperiment)
    {
        var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:ModelDirectory", _models.Root)
            .With("Scoring:DefaultModel", "risk");
        return servedExperiment is null ? host : host.With("Scoring:Experiment", servedExperiment);
    }

    private static string Definition(string name, string treatmentModel, bool treatmentIsShadow = false) => treatmentIsShadow
        ? $$"""{"name": "{{name}}", "salt": "s-{{name}}", "variants": [{"name": "control", "model": "champion", "weight_bp": 10000}, {"name": "treatment", "model": "{{treatmentModel}}", "shadow": true}]}"""
        : $$"""{"name": "{{name}}", "salt": "s-{{name}}", "variants": [{"name": "control", "model": "champion", "weight_bp": 5000}, {"name": "treatment", "model": "{{treatmentModel}}", "weight_bp": 5000}]}""";

    private static Task<HttpResponseMessage> PutAsync(HttpClient admin, string name, string definition) =>
        admin.PutAsync(new Uri("/api/v1/experiments/" + name, UriKind.Relative), new StringContent(definition, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_served_experiment_is_refused_with_a_variant_the_plan_cannot_price_and_accepted_with_it_as_a_shadow()
    {
        await using var host = Host("exp-fit");
        using var admin = host.ClientAs(TestTokens.Admin());

        using var refused = await PutAsync(admin, "exp-fit", Definition("exp-fit", "risk@2"));
        var problem = await ProblemAssert.JsonAsync(refused);
        using var stored = await admin.GetAsync(new Uri("/api/v1/experiments/exp-fit", UriKind.Relative));
        using var shadow = await PutAsync(admin, "exp-fit", Definition("exp-fit", "risk@2", treatmentIsShadow: true));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("variant 'treatment' of experiment 'exp-fit' serves model risk@2", detail, StringComparison.Ordinal);
        Assert.Contains("migrate the plan to telematics_relativity", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        Assert.Equal(HttpStatusCode.Created, shadow.StatusCode); // a shadow is scored, never priced
    }

    [Fact]
    public async Task Promoting_an_alias_a_served_variant_names_to_a_model_the_plan_cannot_price_is_refused()
    {
        await using var host = Host("exp-alias");
        using var admin = host.ClientAs(TestTokens.Admin());
        using var put = await PutAsync(admin, "exp-alias", Definition("exp-alias", "challenger"));

        using var promoted = await admin.PostAsJsonAsync(new Uri("/api/v1/models/risk/aliases", UriKind.Relative), new { alias = "challenger", version = "2" });
        var problem = await ProblemAssert.JsonAsync(promoted);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, promoted.StatusCode);
        Assert.Contains("variant 'treatment' of experiment 'exp-alias'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"challenger\": \"1\"", await File.ReadAllTextAsync(Path.Combine(_models.Root, "risk", "aliases.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_experiment_served_after_a_restart_makes_the_host_not_ready_and_fails_only_the_drivers_of_that_variant()
    {
        var definition = Definition("exp-later", "risk@2");
        await using (var before = Host(servedExperiment: null))
        {
            using var admin = before.ClientAs(TestTokens.Admin());
            using var put = await PutAsync(admin, "exp-later", definition); // not served yet: not priced, so not checked
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // One driver of each variant, by the experiment's own assignment.
        var experiment = ExperimentJson.Parse(definition);
        long? control = null, treatment = null;
        for (var i = 0; (control is null || treatment is null) && i < 40; i++)
        {
            var driver = await DriverWithTripsAsync(database, $"fit-later-{i}", 6);
            if (experiment.Assign(driver.ToString(CultureInfo.InvariantCulture)).VariantName == "control")
            {
                control ??= driver;
            }
            else
            {
                treatment ??= driver;
            }
        }

        await using var host = Host("exp-later");
        using var client = host.ClientAs(TestTokens.Admin());
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var health = await ProblemAssert.JsonAsync(ready);
        using var priced = await client.PostAsync(new Uri($"/api/v1/risk/{control}/recalculate", UriKind.Relative), null);
        using var failed = await client.PostAsync(new Uri($"/api/v1/risk/{treatment}/recalculate", UriKind.Relative), null);
        var failure = await ProblemAssert.JsonAsync(failed);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var check = health.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "pricing-plan");
        Assert.Contains("variant 'treatment' of experiment 'exp-later' serves model risk@2", check.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, priced.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        Assert.Contains("risk@2 scored the driver, but its score cannot be priced", failure.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {treatment}"));
    }
}
