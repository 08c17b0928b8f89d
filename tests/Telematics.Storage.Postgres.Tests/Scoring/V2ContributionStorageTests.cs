using System.Text.Json.Nodes;

using Npgsql;

using Telematics.Features.Schema;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Service.Scoring;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// A telematics@2 model's factors that telematics@1 names otherwise (annual_km, driving_hours_per_week, trips_per_week)
/// are stored at their v1 positions, so the stored points still sum to score − reference score and the breakdown and
/// tips keep them; their reference is in the units of the stored value (the driver's window).
/// </summary>
public sealed class V2ContributionStorageTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private const string Model = "rates-v2";
    private readonly TestPackages _packages = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _packages.Dispose();

    // score = annual_km / 1000 + trips_per_week / 10 + driving_hours_per_week / 10: 11.5 for the reference row.
    private string WriteModel()
    {
        var manifest = TestPackages.TreeClassifierManifest(Model, "1");
        manifest["feature_schema"] = new JsonObject { ["name"] = TelematicsFeaturesV2.Schema.Name, ["version"] = TelematicsFeaturesV2.SchemaVersion };
        manifest["inputs"]!["features"] = new JsonArray(TelematicsFeaturesV2.AnnualKm, TelematicsFeaturesV2.TripsPerWeek, TelematicsFeaturesV2.DrivingHoursPerWeek);
        manifest["reference"] = new JsonObject { [TelematicsFeaturesV2.AnnualKm] = 10000, [TelematicsFeaturesV2.TripsPerWeek] = 10, [TelematicsFeaturesV2.DrivingHoursPerWeek] = 5 };
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new JsonObject { ["kind"] = "linear", ["scale"] = 1, ["offset"] = 0 };
        var onnx = new OnnxBuilder().FloatInput("float_input", 3).TensorOutput("variable", OnnxBuilder.Float, 1)
            .Node("LinearRegressor", "ai.onnx.ml", ["float_input"], ["variable"], a => a.Floats("coefficients", 0.001f, 0.1f, 0.1f).Floats("intercepts", 0))
            .Build();
        _packages.WriteFolder(Path.Combine("models", Model, "1"), manifest, onnx);
        return _packages.ModelsRoot;
    }

    [Fact]
    public async Task The_stored_points_of_a_v2_model_keep_its_rate_factors_and_sum_to_score_minus_reference()
    {
        var driver = await NewDriverAsync(database, "v2-contributions");
        // 10 daily trips of 20 km in half an hour from the period's first day: 30 observed days.
        await AddTripsAsync(database, driver, 10);
        var outcome = await NewScorer(database, planJson: PlanJson, shippedModelDirectory: WriteModel(), defaultModel: Model).ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        Assert.True(outcome.Status == DriverScoreStatus.Scored, outcome.Reason);
        Assert.Equal(30, outcome.ObservedDays, 9);

        await using var command = database.DataSource.CreateCommand($"SELECT score, reference_score, contributions, reference FROM risk_scores WHERE score_id = {outcome.ScoreId}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (score, referenceScore) = (reader.GetDouble(0), reader.GetDouble(1));
        var contributions = reader.GetFieldValue<float[]>(2);
        var reference = reader.GetFieldValue<float[]>(3);

        // Before: looked up by name in telematics@1, all three were dropped and the stored points summed to 0.
        var schema = TelematicsFeatures.Schema;
        foreach (var feature in new[] { TelematicsFeatures.DistanceKm, TelematicsFeatures.DrivingHours, TelematicsFeatures.TripCount })
        {
            Assert.NotEqual(0f, contributions[schema.IndexOf(feature)]);
        }

        Assert.Equal(score - referenceScore, contributions.Sum(c => (double)c), 3);
        // The reference driver's 10,000 km a year, 5 h and 10 trips a week over the driver's 30 days, as its stored
        // 200 km, 5 h and 10 trips are.
        Assert.Equal(10000 * 30 / TelematicsFeaturesV2.DaysPerYear, reference[schema.IndexOf(TelematicsFeatures.DistanceKm)], 2);
        Assert.Equal(5 * 30 / 7.0, reference[schema.IndexOf(TelematicsFeatures.DrivingHours)], 3);
        Assert.Equal(10 * 30 / 7.0, reference[schema.IndexOf(TelematicsFeatures.TripCount)], 3);
        Assert.True(float.IsNaN(reference[schema.IndexOf(TelematicsFeatures.NightShare)]));
    }
}
