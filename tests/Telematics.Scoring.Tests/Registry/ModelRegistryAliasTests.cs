using System.Collections.Concurrent;
using System.Globalization;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

/// <summary>Aliases of the registry: the champion served, promotion, the alias file's writes and reads.</summary>
public sealed class ModelRegistryAliasTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Champion_alias_selects_the_served_version_and_other_aliases_resolve_by_name()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "1");
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "challenger", "2");
        using var registry = _packages.OpenRegistry();

        using var champion = registry.Acquire("m");
        using var challenger = registry.Acquire("m", "challenger");

        Assert.Equal(1f, TestPackages.RawOutput(champion));
        Assert.Equal(2f, TestPackages.RawOutput(challenger));
        Assert.Equal(["champion"], registry.Models.Single(m => m.Name == "m" && m.Version == "1").Aliases);
    }

    [Fact]
    public void Promote_writes_the_alias_file_and_serves_the_new_champion()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "1");
        using var registry = _packages.OpenRegistry();

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
        using var registry = _packages.OpenRegistry();

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
        using var registry = _packages.OpenRegistry();

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
        using var first = _packages.OpenRegistry();
        using var second = _packages.OpenRegistry();
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
        using var registry = _packages.OpenRegistry();

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
    public void Alias_to_a_missing_version_is_reported_and_ignored()
    {
        _packages.WriteConstantVersion("m", 1);
        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "champion", "7");
        using var registry = _packages.OpenRegistry();

        var result = registry.Reload();

        Assert.Contains("'7'", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal("1", lease.Package.Version);
    }
}
