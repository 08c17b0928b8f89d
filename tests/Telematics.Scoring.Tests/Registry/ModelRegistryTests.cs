using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Registry_without_a_directory_serves_the_built_in_model()
    {
        using var registry = new ModelRegistry(new ModelRegistryOptions());

        using var lease = registry.Acquire();

        Assert.Equal(ModelPackage.BuiltInName, lease.Package.Name);
        Assert.Equal(ModelKind.Rules, Assert.Single(registry.Models).Kind);
    }

    [Fact]
    public void Highest_version_is_served_when_no_champion_alias_exists()
    {
        _packages.WriteConstantVersion("m", 2);
        _packages.WriteConstantVersion("m", 10);
        using var registry = _packages.OpenRegistry();

        using var lease = registry.Acquire("m");

        Assert.Equal("10", lease.Package.Version);
    }

    [Fact]
    public void A_version_held_as_a_folder_and_as_a_zip_serves_the_folder_and_reports_the_zip()
    {
        _packages.WriteConstantVersion("m", 2);
        var zipManifest = TestPackages.TreeClassifierManifest("m", "2");
        zipManifest["output"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "variable", ["kind"] = "score" };
        zipManifest["calibration"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "linear", ["scale"] = 10, ["offset"] = 0 };
        var zip = _packages.WriteZip(Path.Combine("models", "m", "2.zip"), zipManifest, TestOnnxModels.Constant(7));

        using var registry = _packages.OpenRegistry();

        using (var lease = registry.Acquire("m", "2"))
        {
            Assert.Equal(2f, TestPackages.RawOutput(lease));
        }

        var failure = Assert.Single(registry.GetStatus().LastReloadFailures);
        Assert.Equal(zip, failure.Path);
        Assert.Contains("the folder is served", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["builtin-rules@1", "m@2"], registry.Models.Select(m => $"{m.Name}@{m.Version}"));
    }

    [Fact]
    public void Names_starting_with_a_dot_are_work_in_progress_and_neither_served_nor_reported()
    {
        _packages.WriteConstantVersion("m", 1);
        // A version being written (no manifest yet) and a whole model folder being copied in.
        Directory.CreateDirectory(Path.Combine(_packages.ModelsRoot, "m", ".2.tmp-0123"));
        File.WriteAllBytes(Path.Combine(_packages.ModelsRoot, "m", ".2.tmp-0123", "model.onnx"), [1, 2, 3]);
        Directory.CreateDirectory(Path.Combine(_packages.ModelsRoot, ".incoming", "1"));

        using var registry = _packages.OpenRegistry();

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        Assert.Equal(["builtin-rules@1", "m@1"], registry.Models.Select(m => $"{m.Name}@{m.Version}"));
    }

    [Fact]
    public void Failed_load_of_a_changed_version_leaves_the_serving_one_and_is_reported()
    {
        var dir = _packages.WriteConstantVersion("m", 1);
        using var registry = _packages.OpenRegistry();
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), TestOnnxModels.Constant(99));

        var result = registry.Reload();

        var failure = Assert.Single(result.Failures);
        Assert.Contains("SHA-256", failure.Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal(1f, TestPackages.RawOutput(lease));
    }

    [Fact]
    public void New_version_that_fails_validation_is_not_served()
    {
        _packages.WriteConstantVersion("m", 1);
        using var registry = _packages.OpenRegistry();
        var manifest = TestPackages.TreeClassifierManifest("m", "2");
        _packages.WriteFolder(Path.Combine("models", "m", "2"), manifest, TestOnnxModels.TreeClassifier(inputName: "x"));

        var result = registry.Reload();

        Assert.Contains("'x'", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal("1", lease.Package.Version);
    }

    [Fact]
    public void Unchanged_versions_are_kept_without_reloading()
    {
        _packages.WriteConstantVersion("m", 1);
        using var registry = _packages.OpenRegistry();
        var loadedAt = registry.Models.Single(m => m.Name == "m").LoadedAt;

        var result = registry.Reload();

        Assert.Equal(1, result.Unchanged);
        Assert.Empty(result.Loaded);
        Assert.Equal(loadedAt, registry.Models.Single(m => m.Name == "m").LoadedAt);
    }

    [Fact]
    public void Retired_version_stays_usable_until_its_lease_is_released_then_is_disposed()
    {
        var dir = _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        using var registry = _packages.OpenRegistry();
        var lease = registry.Acquire("m", "1");
        Directory.Delete(dir, recursive: true);

        var result = registry.Reload();

        Assert.Equal(["m@1"], result.Removed);
        Assert.Equal(1f, TestPackages.RawOutput(lease));
        var model = lease.Package.Model;
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Score(new float[3], new float[1]));
        Assert.False(registry.TryAcquire("m", "1", out _));
    }

    [Fact]
    public void Package_in_a_folder_of_another_version_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest("m", "3");
        _packages.WriteFolder(Path.Combine("models", "m", "4"), manifest, TestOnnxModels.TreeClassifier());
        using var registry = _packages.OpenRegistry();

        var result = registry.Reload();

        Assert.Contains("m@3", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_change_reloads_after_the_debounce()
    {
        _packages.WriteConstantVersion("m", 1);
        using var registry = _packages.OpenRegistry(watch: true);

        _packages.WriteConstantVersion("m", 2);

        var deadline = DateTime.UtcNow.AddSeconds(30); // a file watcher, which a loaded CI machine delays
        string version;
        do
        {
            await Task.Delay(50);
            using var lease = registry.Acquire("m");
            version = lease.Package.Version;
        }
        while (version != "2" && DateTime.UtcNow < deadline);

        Assert.Equal("2", version);
    }

    [Fact]
    public async Task Scores_during_repeated_swaps_finish_on_the_version_they_started_with()
    {
        for (var v = 1; v <= 4; v++)
        {
            _packages.WriteConstantVersion("m", v);
        }

        var nameDir = Path.Combine(_packages.ModelsRoot, "m");
        using var registry = _packages.OpenRegistry();
        var errors = new ConcurrentQueue<Exception>();
        var served = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();

        var scorers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var output = new float[8];
            var inputs = new float[8 * 3];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var lease = registry.Acquire("m");
                    lease.Package.Model.Score(inputs, output);
                    var version = float.Parse(lease.Package.Version, CultureInfo.InvariantCulture);
                    foreach (var raw in output)
                    {
                        if (raw != version)
                        {
                            throw new InvalidOperationException($"Version {version} returned {raw}.");
                        }
                    }

                    served.AddOrUpdate(lease.Package.Version, 1, (_, n) => n + 1);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            }
        })).ToArray();

        // The scorers are tasks that a loaded CI machine may start late, or not run for a while: after each promotion the
        // loop waits (up to 30 s in all) until the new champion has been served, so that the swaps race real scores.
        var patience = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            var champion = (i % 4) + 1;
            var name = champion.ToString(CultureInfo.InvariantCulture);
            var servedBefore = served.GetValueOrDefault(name);
            ModelAliases.Set(nameDir, "champion", name);
            registry.Reload();
            while (served.GetValueOrDefault(name) == servedBefore && errors.IsEmpty && patience.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(1);
            }

            if (i % 5 == 4)
            {
                // Retire a version that is not champion (disposing it once drained), then bring it back.
                var victim = (champion % 4) + 1;
                Directory.Delete(Path.Combine(nameDir, victim.ToString(CultureInfo.InvariantCulture)), recursive: true);
                registry.Reload();
                _packages.WriteConstantVersion("m", victim);
                registry.Reload();
            }

            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Task.WhenAll(scorers);

        Assert.Empty(errors);
        Assert.All(served.Keys, v => Assert.Contains(v, new[] { "1", "2", "3", "4" }));
        Assert.True(served.Count >= 2, $"only versions {string.Join(",", served.Keys)} were served");
    }
}
