using System.Text.Json.Nodes;

using Telematics.Scoring.Tests.TestModels;
using Telematics.Service.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// A frequency regressor may predict below zero for an extreme driver (its reference row, all the loader checks, is
/// positive): that driver fails by name, and the others are scored and stored.
/// </summary>
public sealed class NegativeFrequencyTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private const string Model = "freq-linear";
    private readonly TestPackages _packages = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _packages.Dispose();

    // λ = 0.2 − 0.05 · harsh_braking_per_100km: 0.1 for the reference row (2 per 100 km), 0.2 for a driver who never brakes
    // hard, −0.3 for one braking hard 10 times per 100 km.
    private string WriteModel()
    {
        var manifest = TestPackages.TreeClassifierManifest(Model, "1");
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "frequency" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 100, ["offset"] = 0 };
        var onnx = new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", -0.05f, 0, 0).Floats("intercepts", 0.2f))
            .Build();
        _packages.WriteFolder(Path.Combine("models", Model, "1"), manifest, onnx);
        return _packages.ModelsRoot;
    }

    [Fact]
    public async Task A_negative_frequency_fails_its_driver_by_name_and_the_others_are_stored()
    {
        var scorer = NewScorer(database, planJson: RelativityPlanJson, shippedModelDirectory: WriteModel(), defaultModel: Model);
        var careful = await NewDriverAsync(database, "negative-frequency-careful");
        var extreme = await NewDriverAsync(database, "negative-frequency-extreme");
        await AddTripsAsync(database, careful, 10, harsh: 0);
        await AddTripsAsync(database, extreme, 10, harsh: 10);

        // Before: the premium calculator's ArgumentOutOfRangeException escaped and failed the whole batch.
        var result = await scorer.ScoreDriversAsync(new[] { careful, extreme }, PeriodStart, PeriodEnd, Actor);
        var single = await scorer.ScoreDriverAsync(extreme, PeriodStart, PeriodEnd, Actor);

        Assert.Equal([DriverScoreStatus.Scored, DriverScoreStatus.Failed], result.Outcomes.Select(o => o.Status));
        var failure = Assert.Single(result.Failures);
        Assert.Equal(extreme.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.DriverId);
        Assert.Contains($"{Model}@1 predicted a claim frequency of -0.3", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"for driver {extreme}", failure.Message, StringComparison.Ordinal);
        Assert.Equal(DriverScoreStatus.Failed, single.Status);
        Assert.Equal(1, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = {careful}"));
        Assert.Equal(0, await ScalarAsync(database.DataSource, $"SELECT count(*) FROM risk_scores WHERE driver_id = {extreme}"));

        // The summary is of the stored score alone.
        Assert.Equal((2, 1), (result.Summary.Count, result.Summary.Failures));
        Assert.Equal(1, result.Summary.ByModelVersion[$"{Model}@1"]);
        Assert.Equal(result.Outcomes[0].Score!.Score, result.Summary.Mean, 9);
    }
}
