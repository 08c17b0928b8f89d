using Telematics.Scoring.Shipped;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;
using static Telematics.Cli.Tests.BatchScore.BatchScoreData;

namespace Telematics.Cli.Tests.BatchScore;

/// <summary><c>batch-score --models DIR</c>: the directory's own model serves by default, not the built-in rules.</summary>
public sealed class BatchScoreModelDirectoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly TestPackages _packages = new();

    public Task InitializeAsync() => new MigrationRunner(database.DataSource).ApplyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _packages.Dispose();

    private string Models => _packages.ModelsRoot;

    private void CopyShipped()
    {
        var source = Path.Combine(RepositoryRoot.Path, "src", "Telematics.Scoring", "Shipped", "telematics-frequency");
        var target = Path.Combine(Models, ShippedModel.Name, ShippedModel.Version);
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "manifest.json", "model.onnx" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(target, file));
        }
    }

    [Fact]
    public async Task The_directorys_model_scores_the_drivers_and_is_priced_on_its_frequency()
    {
        CopyShipped();
        var driver = await DriverWithTripsAsync(database, "cli-models-dir", 4);

        var run = await CliRunner.RunAsync("batch-score", "--drivers", Ids(driver), "--models", Models, "--connection", database.ConnectionString);

        Assert.True(run.Exit == ExitCodes.Success, run.Error + run.Output);
        Assert.Equal(1, await CountAsync(database, $"SELECT count(*) FROM risk_scores WHERE driver_id = {driver} AND model_name = '{ShippedModel.Name}'"));
        Assert.Equal(1, await CountAsync(database, $"SELECT count(*) FROM premiums WHERE driver_id = {driver}"));
    }

    [Fact]
    public async Task A_directory_of_several_models_without_a_default_is_a_usage_error_naming_them()
    {
        CopyShipped();
        _packages.WriteConstantVersion("risk-const", 1);

        var run = await CliRunner.RunAsync("batch-score", "--all", "--models", Models, "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.Usage, run.Exit);
        Assert.Contains($"holds several models (risk-const, {ShippedModel.Name}); name the one served by default with --default-model NAME", run.Error, StringComparison.Ordinal);
    }
}
