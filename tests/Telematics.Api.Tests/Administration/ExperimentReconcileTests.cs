using System.Diagnostics;
using System.Net;

using Microsoft.Extensions.DependencyInjection;

using Telematics.Api.Administration;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Service;
using Telematics.Scoring.Experiments;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Administration;

/// <summary>
/// An experiment stored by another host whose message never arrived here (no Redis at all in this test: the message is
/// lost for certain) is served once the host reads the store again, and never replaced by an older stored definition.
/// </summary>
public sealed class ExperimentReconcileTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ModelDirectory _models = new ModelDirectory().WriteRules("risk", "1", -1.0).WriteRules("risk", "2", 0.5).WriteAliases("risk", """{"champion": "1"}""");

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task An_experiment_stored_elsewhere_without_a_message_is_served_after_the_next_reconcile()
    {
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:ModelDirectory", _models.Root)
            .With("Scoring:DefaultModel", "risk")
            .With("Experiments:ReconcileSeconds", "1");
        using var admin = host.ClientAs(TestTokens.Admin());
        var url = new Uri("/api/v1/experiments/exp-elsewhere", UriKind.Relative);
        using (var before = await admin.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        // Another host's PUT: stored and audited, its fan-out message lost.
        await new ExperimentStore(database.DataSource, TimeProvider.System).SaveAsync(Split("exp-elsewhere", 4000), new AuditActor("test:other-host"));

        var clock = Stopwatch.StartNew();
        bool active;
        do
        {
            await Task.Delay(200);
            using var read = await admin.GetAsync(url);
            active = read.StatusCode == HttpStatusCode.OK && (await ProblemAssert.JsonAsync(read)).GetProperty("active").GetBoolean();
        }
        while (!active && clock.Elapsed < TimeSpan.FromSeconds(30)); // a reconcile a second, on a loaded CI machine

        Assert.True(active, "the stored experiment should be served after a reconcile");
    }

    [Fact]
    public async Task A_load_that_finishes_after_a_newer_one_does_not_bring_the_older_definition_back()
    {
        await using var host = new ApiHost()
            .With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:ModelDirectory", _models.Root)
            .With("Scoring:DefaultModel", "risk");
        var loader = host.Services.GetRequiredService<ExperimentLoader>();
        var scorer = host.Services.GetRequiredService<ExperimentScorer>();
        var at = DateTimeOffset.UtcNow;

        // Two quick PUTs elsewhere: the handler of the second finishes first.
        Assert.True(loader.Apply(Split("exp-order", 2000), at.AddSeconds(1)));
        Assert.False(loader.Apply(Split("exp-order", 8000), at));

        Assert.True(scorer.TryGetExperiment("exp-order", out var served));
        Assert.Equal(2000, served.Variants[0].WeightBasisPoints);
    }

    private static ExperimentDefinition Split(string name, int controlBp) => ExperimentJson.Parse($$"""
        {"name": "{{name}}", "salt": "s-{{name}}", "variants": [
          {"name": "control", "model": "champion", "weight_bp": {{controlBp}}},
          {"name": "treatment", "model": "risk@2", "weight_bp": {{10_000 - controlBp}}}]}
        """);
}
