using System.Collections.Concurrent;
using System.Globalization;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private ModelRegistry Open(bool watch = false, TimeSpan? debounce = null) =>
        new(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = watch, ReloadDebounce = debounce ?? TimeSpan.FromMilliseconds(100) });

    private static float Raw(ModelLease lease)
    {
        var output = new float[1];
        lease.Package.Model.Score(new float[3], output);
        return output[0];
    }

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
        using var registry = Open();

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

        using var registry = Open();

        using (var lease = registry.Acquire("m", "2"))
        {
            Assert.Equal(2f, Raw(lease));
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

        using var registry = Open();

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        Assert.Equal(["builtin-rules@1", "m@1"], registry.Models.Select(m => $"{m.Name}@{m.Version}"));
    }

    [Fact]
    public void Champion_alias_selects_the_served_version_and_other_aliases_resolve_by_name()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "1");
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "challenger", "2");
        using var registry = Open();

        using var champion = registry.Acquire("m");
        using var challenger = registry.Acquire("m", "challenger");

        Assert.Equal(1f, Raw(champion));
        Assert.Equal(2f, Raw(challenger));
        Assert.Equal(["champion"], registry.Models.Single(m => m.Name == "m" && m.Version == "1").Aliases);
    }

    [Fact]
    public void Promote_writes_the_alias_file_and_serves_the_new_champion()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "1");
        using var registry = Open();

        registry.Promote("m", "2");

        using var lease = registry.Acquire("m");
        Assert.Equal("2", lease.Package.Version);
        Assert.Equal("2", ModelAliases.Read(Path.Combine(_packages.ModelsRoot, "m"))["champion"]);
    }

    [Fact]
    public void Promote_by_alias_writes_the_version_the_alias_points_at()
    {
        // `telematics models promote --name m --version challenger`: champion must name 5, not the text 'challenger',
        // which a reload would drop as an unserved version and fall back to the highest one (6).
        _packages.WriteConstantVersion("m", 4);
        _packages.WriteConstantVersion("m", 5);
        _packages.WriteConstantVersion("m", 6);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        ModelAliases.Set(nameDirectory, "champion", "4");
        ModelAliases.Set(nameDirectory, "challenger", "5");
        using var registry = Open();

        var reload = registry.Promote("m", "challenger");

        Assert.Empty(reload.Failures);
        Assert.Equal("5", ModelAliases.Read(nameDirectory)["champion"]);
        using (var lease = registry.Acquire("m"))
        {
            Assert.Equal("5", lease.Package.Version);
        }

        Assert.Equal(["challenger", "champion"], registry.Models.Single(m => m.Name == "m" && m.Version == "5").Aliases);

        // The aliases are not linked: moving the challenger later leaves the champion where it was promoted.
        registry.Promote("m", "6", "challenger");
        using var after = registry.Acquire("m");
        Assert.Equal("5", after.Package.Version);
    }

    [Fact]
    public void Promote_of_an_unknown_version_or_alias_is_refused_and_writes_nothing()
    {
        _packages.WriteConstantVersion("m", 1);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        ModelAliases.Set(nameDirectory, "champion", "1");
        using var registry = Open();

        Assert.Throws<KeyNotFoundException>(() => registry.Promote("m", "nightly"));

        Assert.Equal(new Dictionary<string, string> { ["champion"] = "1" }, ModelAliases.Read(nameDirectory));
    }

    [Fact]
    public void Concurrent_promotions_of_distinct_aliases_all_land_without_errors()
    {
        // Two POST /models/m/aliases at once used to share aliases.json.tmp: one update was lost and the second rename
        // threw FileNotFoundException. Writers here: two registries on one directory and a direct ModelAliases.Set.
        const int Writers = 20;
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        using var first = Open();
        using var second = Open();
        var errors = new ConcurrentQueue<Exception>();
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, Writers).Select(i => new Thread(() =>
        {
            start.Wait();
            try
            {
                var version = (1 + (i % 2)).ToString(CultureInfo.InvariantCulture);
                var alias = $"alias-{i:D2}";
                switch (i % 3)
                {
                    case 0: first.Promote("m", version, alias); break;
                    case 1: second.Promote("m", version, alias); break;
                    default: ModelAliases.Set(nameDirectory, alias, version); break;
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(errors);
        var expected = Enumerable.Range(0, Writers).ToDictionary(i => $"alias-{i:D2}", i => (1 + (i % 2)).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, ModelAliases.Read(nameDirectory));
        Assert.Equal([ModelAliases.FileName], Directory.GetFiles(nameDirectory).Select(Path.GetFileName));
        first.Reload();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), first.Models.Where(m => m.Name == "m").SelectMany(m => m.Aliases).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Alias_file_with_a_utf8_byte_order_mark_keeps_its_aliases()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        var nameDirectory = Path.Combine(_packages.ModelsRoot, "m");
        // As Windows PowerShell 5.1 writes it: Set-Content -Encoding UTF8 aliases.json '{"champion": "1"}'.
        File.WriteAllText(Path.Combine(nameDirectory, ModelAliases.FileName), "{\"champion\": \"1\", \"challenger\": \"2\"}", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        using var registry = Open();

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        using (var champion = registry.Acquire("m"))
        {
            Assert.Equal("1", champion.Package.Version);
        }

        // A promotion rewrites the file keeping the other alias.
        registry.Promote("m", "2");
        Assert.Equal(new Dictionary<string, string> { ["champion"] = "2", ["challenger"] = "2" }, ModelAliases.Read(nameDirectory));
    }

    [Fact]
    public void Unreadable_alias_file_is_reported_in_the_result_the_status_and_the_reload_metric()
    {
        var model = "corrupt-aliases-" + Guid.NewGuid().ToString("N")[..8];
        _packages.WriteConstantVersion(model, 1);
        _packages.WriteConstantVersion(model, 2);
        var aliasFile = Path.Combine(_packages.ModelsRoot, model, ModelAliases.FileName);
        File.WriteAllText(aliasFile, "{\"champion\": \"1\",");
        var failed = new ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telematics.Scoring.Diagnostics.ScoringMetrics.MeterName && instrument.Name == "telematics.scoring.reloads")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var t = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                t[tag.Key] = tag.Value;
            }

            if (Equals(t.GetValueOrDefault("model"), model) && Equals(t.GetValueOrDefault("outcome"), "failed"))
            {
                failed.Enqueue((string)t["file"]!);
            }
        });
        listener.Start();
        using var metrics = new Telematics.Scoring.Diagnostics.ScoringMetrics();

        using var registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false }, metrics: metrics);

        var failure = Assert.Single(registry.GetStatus().LastReloadFailures);
        Assert.Equal(aliasFile, failure.Path);
        Assert.Equal([ModelAliases.FileName], failed);

        // Once the file is fixed the champion is served; breaking it again keeps the champion and is reported again.
        File.WriteAllText(aliasFile, "{\"champion\": \"1\"}");
        Assert.Empty(registry.Reload().Failures);
        File.WriteAllText(aliasFile, "not json");
        Assert.Single(registry.Reload().Failures);
        using var lease = registry.Acquire(model);
        Assert.Equal("1", lease.Package.Version);
        Assert.Equal(2, failed.Count);
    }

    [Fact]
    public void Failed_load_of_a_changed_version_leaves_the_serving_one_and_is_reported()
    {
        var dir = _packages.WriteConstantVersion("m", 1);
        using var registry = Open();
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), TestOnnxModels.Constant(99));

        var result = registry.Reload();

        var failure = Assert.Single(result.Failures);
        Assert.Contains("SHA-256", failure.Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal(1f, Raw(lease));
    }

    [Fact]
    public void New_version_that_fails_validation_is_not_served()
    {
        _packages.WriteConstantVersion("m", 1);
        using var registry = Open();
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
        using var registry = Open();
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
        using var registry = Open();
        var lease = registry.Acquire("m", "1");
        Directory.Delete(dir, recursive: true);

        var result = registry.Reload();

        Assert.Equal(["m@1"], result.Removed);
        Assert.Equal(1f, Raw(lease));
        var model = lease.Package.Model;
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Score(new float[3], new float[1]));
        Assert.False(registry.TryAcquire("m", "1", out _));
    }

    [Fact]
    public void Alias_to_a_missing_version_is_reported_and_ignored()
    {
        _packages.WriteConstantVersion("m", 1);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "7");
        using var registry = Open();

        var result = registry.Reload();

        Assert.Contains("'7'", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal("1", lease.Package.Version);
    }

    [Fact]
    public void Package_in_a_folder_of_another_version_is_refused()
    {
        var manifest = TestPackages.TreeClassifierManifest("m", "3");
        _packages.WriteFolder(Path.Combine("models", "m", "4"), manifest, TestOnnxModels.TreeClassifier());
        using var registry = Open();

        var result = registry.Reload();

        Assert.Contains("m@3", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_change_reloads_after_the_debounce()
    {
        _packages.WriteConstantVersion("m", 1);
        using var registry = Open(watch: true);

        _packages.WriteConstantVersion("m", 2);

        var deadline = DateTime.UtcNow.AddSeconds(15);
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
        using var registry = Open();
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

        for (var i = 0; i < 40; i++)
        {
            var champion = (i % 4) + 1;
            ModelAliases.Set(nameDir, "champion", champion.ToString(CultureInfo.InvariantCulture));
            registry.Reload();
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
