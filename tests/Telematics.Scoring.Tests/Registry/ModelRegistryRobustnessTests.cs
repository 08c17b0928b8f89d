using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

/// <summary>Nothing a package holds takes the loader or the registry down: every bad version is refused by name, the rest serves.</summary>
public sealed class ModelRegistryRobustnessTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string WriteVersion(string name, byte[] model, string output) =>
        _packages.WriteFolder(Path.Combine("models", name, "1"), MutatedPackages.Manifest(name, output), model);

    private static float Raw(ModelLease lease)
    {
        var output = new float[1];
        lease.Package.Model.Score(new float[] { 3f, 20f, 0.9f }, output);
        return output[0];
    }

    [Fact]
    public void Every_mutated_package_is_refused_by_name_while_the_good_one_serves()
    {
        WriteVersion("good", MutatedPackages.Good, "output_probability");
        var mutations = MutatedPackages.All().ToArray();
        foreach (var (name, model, output) in mutations)
        {
            WriteVersion(name, model, output);
        }

        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, DefaultModel = "good", WatchForChanges = false });
        var status = registry.GetStatus();

        Assert.True(status.IsReady);
        using (var lease = registry.Acquire("good"))
        {
            Assert.Equal(TestOnnxModels.ExpectedTreeProbability(3f, 20f, 0.9f), Raw(lease), 5);
        }

        Assert.Equal(["builtin-rules", "good"], registry.Models.Select(m => m.Name));
        foreach (var (name, _, _) in mutations)
        {
            var failure = Assert.Single(status.LastReloadFailures, f => f.Path.EndsWith(Path.Combine(name, "1"), StringComparison.Ordinal));
            Assert.Contains($"{name}@1", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Loading_a_mutated_package_throws_only_a_package_error_naming_it()
    {
        foreach (var (name, model, output) in MutatedPackages.All())
        {
            var path = WriteVersion(name, model, output);

            var error = Record.Exception(() => ModelPackageLoader.Load(path));

            var refusal = Assert.IsType<ModelPackageException>(error);
            Assert.Contains($"{name}@1", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bit_flipped_models_are_served_or_refused_by_name_never_thrown()
    {
        var flips = MutatedPackages.BitFlips(160).ToArray();
        foreach (var (name, model) in flips)
        {
            WriteVersion(name, model, "output_probability");
        }

        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var status = registry.GetStatus();

        var served = status.Serving.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in flips)
        {
            var failures = status.LastReloadFailures.Where(f => f.Path.EndsWith(Path.Combine(name, "1"), StringComparison.Ordinal)).ToArray();
            Assert.True(served.Contains(name) ^ failures.Length == 1, $"{name}: served {served.Contains(name)}, {failures.Length} failure(s)");
            Assert.All(failures, f => Assert.Contains($"{name}@1", f.Message, StringComparison.Ordinal));
        }

        // Most flips break the protobuf, the graph or the hash-independent binding; a few only change a number.
        Assert.True(status.LastReloadFailures.Count > flips.Length / 2, $"{status.LastReloadFailures.Count} of {flips.Length} refused");
    }

    [Fact]
    public void Replacing_a_serving_version_with_a_mutated_one_keeps_the_old_one_serving()
    {
        var path = WriteVersion("risk", MutatedPackages.Good, "output_probability");
        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false });
        var expected = TestOnnxModels.ExpectedTreeProbability(3f, 20f, 0.9f);

        foreach (var (name, model, output) in MutatedPackages.All().Where(m => m.Name is "truncated-9" or "map-input" or "huge-batch" or "cyclic" or "three-classes"))
        {
            File.Delete(Path.Combine(path, "model.onnx"));
            _packages.WriteFolder(Path.Combine("models", "risk", "1"), MutatedPackages.Manifest("risk", output, name), model);

            var reload = registry.Reload();

            Assert.True(reload.Failures.Count == 1, $"{name}: loaded [{string.Join(",", reload.Loaded)}], unchanged {reload.Unchanged}");
            var failure = reload.Failures[0];
            Assert.Contains("risk@1", failure.Message, StringComparison.Ordinal);
            using var lease = registry.Acquire("risk");
            Assert.Equal(expected, Raw(lease), 5);
        }
    }

    [Fact]
    public async Task Hot_reload_of_a_mutated_version_is_refused_and_the_serving_version_stays()
    {
        WriteVersion("risk", MutatedPackages.Good, "output_probability");
        using var registry = new ModelRegistry(new ModelRegistryOptions
        {
            ModelDirectory = _packages.ModelsRoot,
            WatchForChanges = true,
            ReloadDebounce = TimeSpan.FromMilliseconds(50),
        });
        var generation = registry.Generation;

        WriteVersion("broken", WildOnnxModels.MapInput(), "variable");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (registry.GetStatus().LastReloadFailures.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var status = registry.GetStatus();
        Assert.True(status.Generation > generation);
        Assert.Null(status.LastReloadError);
        Assert.Contains(status.LastReloadFailures, f => f.Message.Contains("broken@1", StringComparison.Ordinal) && f.Message.Contains("'features'", StringComparison.Ordinal));
        using var lease = registry.Acquire("risk");
        Assert.Equal(TestOnnxModels.ExpectedTreeProbability(3f, 20f, 0.9f), Raw(lease), 5);
    }
}
