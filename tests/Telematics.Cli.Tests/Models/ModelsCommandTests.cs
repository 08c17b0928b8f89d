using System.Text.Json.Nodes;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Cli.Tests.Models;

/// <summary><c>telematics models list|validate</c> over directories holding exports from the wild beside a good model.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string Write(string name, byte[] model, string output) =>
        _packages.WriteFolder(Path.Combine("models", name, "1"), MutatedPackages.Manifest(name, output), model);

    [Fact]
    public async Task List_serves_the_good_and_the_fixed_batch_exports_and_names_each_refusal()
    {
        Write("good", MutatedPackages.Good, "output_probability");
        Write("fixed-batch", WildOnnxModels.FixedBatchTreeRegressor(1), "variable");
        Write("huge-batch", WildOnnxModels.FixedBatchTreeRegressor(1_000_000_000), "variable");
        Write("map-input", WildOnnxModels.MapInput(), "variable");

        var (exit, output, error) = await CliRunner.RunAsync("models", "list", "--dir", _packages.ModelsRoot);

        Assert.Equal(ExitCodes.PartialFailure, exit);
        var served = output.Split('\n').Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()).ToArray();
        Assert.Contains("good", served);
        Assert.Contains("fixed-batch", served);
        Assert.DoesNotContain("map-input", served);
        Assert.DoesNotContain("huge-batch", served);
        var failures = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, failures.Length);
        Assert.Contains(failures, f => f.Contains("map-input@1", StringComparison.Ordinal) && f.Contains("Model input 'features' is a map int64→float; a float tensor [N, 3] is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("huge-batch@1", StringComparison.Ordinal) && f.Contains("fixed batch dimension of 1000000000 rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_refuses_every_mutated_package_by_name_with_the_input_error_exit_code()
    {
        foreach (var (name, model, output) in MutatedPackages.All())
        {
            var path = Write(name, model, output);

            var (exit, _, error) = await CliRunner.RunAsync("models", "validate", "--dir", path);

            Assert.True(exit == ExitCodes.InputError, $"{name}: exit {exit}, {error}");
            Assert.StartsWith("INVALID: ", error, StringComparison.Ordinal);
            Assert.Contains($"{name}@1", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_accepts_a_fixed_batch_export_and_describes_its_output()
    {
        var path = Write("fixed-batch", WildOnnxModels.FixedBatchTreeRegressor(1), "variable");

        var (exit, output, error) = await CliRunner.RunAsync("models", "validate", "--dir", path);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("variable: float tensor, column 0", output, StringComparison.Ordinal);
        Assert.EndsWith("OK", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_refuses_three_classes_without_a_choice_and_accepts_the_named_class()
    {
        var manifest = MutatedPackages.Manifest("three-classes", "output_probability");
        var path = _packages.WriteFolder(Path.Combine("models", "three-classes", "1"), manifest, WildOnnxModels.ThreeClassTrees(zipMap: true, stringLabels: true));

        var refused = await CliRunner.RunAsync("models", "validate", "--dir", path);
        manifest["output"] = new JsonObject { ["name"] = "output_probability", ["kind"] = "probability", ["positive_class"] = "high" };
        _packages.WriteFolder(Path.Combine("models", "three-classes", "1"), manifest, WildOnnxModels.ThreeClassTrees(zipMap: true, stringLabels: true));
        var accepted = await CliRunner.RunAsync("models", "validate", "--dir", path);

        Assert.Equal(ExitCodes.InputError, refused.Exit);
        Assert.Contains("3 classes ('low', 'mid', 'high')", refused.Error, StringComparison.Ordinal);
        Assert.True(accepted.Exit == ExitCodes.Success, accepted.Error);
        Assert.Contains("class 'high'", accepted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_by_alias_points_the_alias_at_that_version_and_prints_it()
    {
        _packages.WriteConstantVersion("m", 4);
        _packages.WriteConstantVersion("m", 5);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        ModelAliases.Set(nameDirectory, "champion", "4");
        ModelAliases.Set(nameDirectory, "challenger", "5");

        var (exit, output, error) = await CliRunner.RunAsync("models", "promote", "--dir", _packages.ModelsRoot, "--name", "m", "--version", "challenger");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal("m: champion → 5", output.Trim());
        Assert.Equal("5", ModelAliases.Read(nameDirectory)["champion"]);
    }
}
