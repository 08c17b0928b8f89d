using System.Text.Json;

using Telematics.Scoring.Experiments;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Storage.Postgres.Tests.Dashboard;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Experiments;

public sealed class ExperimentStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private ExperimentStore Store => new(database.DataSource, TimeProvider.System);

    private static ExperimentDefinition Split(string name, int controlBp) =>
        new(name, "salt-1", [
            new ExperimentVariant("control", ModelReference.Parse("champion"), controlBp),
            new ExperimentVariant("treatment", ModelReference.Parse("risk@2"), 10_000 - controlBp),
            ExperimentVariant.Shadow("shadow", ModelReference.Parse("risk@3")),
        ]);

    [Fact]
    public async Task A_saved_experiment_reads_back_assigning_every_driver_as_before()
    {
        var experiment = Split("roundtrip", 7_000);

        await Store.SaveAsync(experiment, new AuditActor("api:alice"));
        var stored = await Store.GetAsync("roundtrip");
        var parsed = stored!.Parse();

        Assert.Equal("api:alice", stored.UpdatedBy);
        Assert.Equal(["control", "treatment", "shadow"], parsed.Variants.Select(v => v.Name));
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(experiment.Assign($"driver-{i}").VariantName, parsed.Assign($"driver-{i}").VariantName);
        }
    }

    [Fact]
    public async Task Replacing_an_experiment_audits_the_old_and_new_definitions_in_one_row()
    {
        await Store.SaveAsync(Split("replaced", 9_000), Actor);

        var (_, previous) = await Store.SaveAsync(Split("replaced", 5_000), new AuditActor("api:bob"));

        Assert.NotNull(previous);
        Assert.Equal(9_000, ExperimentJson.Parse(previous).Variants[0].WeightBasisPoints);
        var rows = await new AuditReader(database.DataSource).ReadPageAsync(new AuditFilter(Action: "experiment.put", Resource: "experiment/replaced"), 1, 10);
        Assert.Equal(2, rows.Count);
        Assert.Equal("api:bob", rows[0].Actor);
        Assert.Equal(9_000, WeightOfControl(rows[0].BeforeJson!));
        Assert.Equal(5_000, WeightOfControl(rows[0].AfterJson!));
        Assert.Null(rows[1].BeforeJson);
        Assert.Equal(5_000, ExperimentJson.Parse((await Store.GetAsync("replaced"))!.DefinitionJson).Variants[0].WeightBasisPoints);
    }

    [Fact]
    public async Task An_unknown_name_reads_as_null_and_every_stored_one_is_listed_by_name()
    {
        await Store.SaveAsync(Split("list-b", 5_000), Actor);
        await Store.SaveAsync(Split("list-a", 5_000), Actor);

        var all = await Store.ReadAllAsync();

        Assert.Null(await Store.GetAsync("absent"));
        var names = all.Select(e => e.Name).Where(n => n.StartsWith("list-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["list-a", "list-b"], names);
    }

    [Fact]
    public async Task Metrics_count_each_drivers_latest_score_under_its_variant_with_percentiles_and_categories()
    {
        var book = new BookData(database);
        var at = new DateTimeOffset(2025, 5, 10, 0, 0, 0, TimeSpan.Zero);
        var controlScores = new[] { 10.0, 20.0, 30.0, 40.0, 50.0 };
        for (var i = 0; i < controlScores.Length; i++)
        {
            var driver = await book.DriverAsync("metrics-c" + i);
            await book.ScoreAsync(driver, at.AddDays(-1), 99, "metered", "treatment"); // superseded: not counted
            await book.ScoreAsync(driver, at.AddHours(i), controlScores[i], "metered", "control");
        }

        var treated = await book.DriverAsync("metrics-t");
        await book.ScoreAsync(treated, at, 85, "metered", "treatment");
        await book.ScoreAsync(treated, at, 85, "another", "treatment");

        var metrics = await new ExperimentMetricsQuery(database.DataSource).ReadAsync("metered", at.AddDays(-7), at.AddDays(7));

        Assert.Equal(["control", "treatment"], metrics.Select(m => m.Variant));
        var control = metrics[0];
        Assert.Equal((5L, 30.0, 30.0), (control.ScoredDrivers, control.MeanScore, control.P50Score));
        Assert.Equal(48.0, control.P95Score, 9); // continuous: 40 + 0.8 × (50 − 40)
        Assert.Equal([2L, 2, 1, 0, 0], control.CategoryCounts); // ≤20 excellent, ≤40 good, ≤60 average
        Assert.Equal((1L, 85.0), (metrics[1].ScoredDrivers, metrics[1].MeanScore));
        Assert.Equal([0L, 0, 0, 0, 1], metrics[1].CategoryCounts);
    }

    private static int WeightOfControl(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("variants")[0].GetProperty("weight_bp").GetInt32();
    }
}
