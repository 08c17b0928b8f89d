using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

/// <summary>A reload pass never throws past what it loaded: bad aliases and vanishing folders are reported, and models loaded by a pass that fails anyway are released.</summary>
public sealed class ReloadPassSafetyTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private string NameDirectory(string name) => Path.Combine(_packages.ModelsRoot, name);

    [Fact]
    public void A_null_alias_target_is_reported_naming_the_file_and_alias_and_the_aliases_served_before_stay()
    {
        _packages.WriteConstantVersion("m", 1);
        _packages.WriteConstantVersion("m", 2);
        File.WriteAllText(Path.Combine(NameDirectory("m"), ModelAliases.FileName), """{"champion": null}""");

        using var registry = _packages.OpenRegistry();

        var atStart = Assert.Single(registry.GetStatus().LastReloadFailures);
        Assert.EndsWith(ModelAliases.FileName, atStart.Path, StringComparison.Ordinal);
        Assert.Contains("'champion'", atStart.Message, StringComparison.Ordinal);

        // Promote refuses to rewrite the malformed file (as for any malformed aliases.json): it is fixed by hand.
        File.WriteAllText(Path.Combine(NameDirectory("m"), ModelAliases.FileName), """{"champion": "1"}""");
        Assert.Empty(registry.Reload().Failures);
        File.WriteAllText(Path.Combine(NameDirectory("m"), ModelAliases.FileName), """{"champion": null, "challenger": ""}""");

        var reload = registry.Reload();

        var failure = Assert.Single(reload.Failures);
        Assert.EndsWith(ModelAliases.FileName, failure.Path, StringComparison.Ordinal);
        Assert.Contains("'champion'", failure.Message, StringComparison.Ordinal);
        using var lease = registry.Acquire("m");
        Assert.Equal("1", lease.Package.Version);
    }

    [Fact]
    public void A_model_folder_deleted_during_the_scan_is_reported_and_the_rest_serves()
    {
        // Loading a@1 deletes b: the scan then lists a folder that is gone, as when an operator removes it mid-reload.
        var loader = new TrackingLoader(() => Directory.Delete(NameDirectory("b"), recursive: true));
        WriteVersion("a", "1");
        WriteVersion("b", "1");

        using var registry = OpenRegistry(loader);

        Assert.Contains(registry.GetStatus().LastReloadFailures, f => f.Path == NameDirectory("b"));
        using var lease = registry.Acquire("a");
        Assert.Equal("1", lease.Package.Version);
        Assert.Equal(0, loader.Disposed);
    }

    [Fact]
    public void A_pass_that_throws_releases_every_model_it_loaded()
    {
        var loader = new TrackingLoader(() => { });
        WriteVersion("a", "1");
        WriteVersion("b", "1");
        File.WriteAllText(Path.Combine(NameDirectory("b"), ModelAliases.FileName), """{"champion": "9"}""");

        // The alias problem is logged, and this logger throws: nothing the pass expects.
        var error = Record.Exception(() => OpenRegistry(loader, new ThrowingLogger()));

        Assert.IsType<InvalidOperationException>(error);
        Assert.Equal(2, loader.Loaded);
        Assert.Equal(2, loader.Disposed);
    }

    private void WriteVersion(string name, string version)
    {
        var manifest = TestPackages.TreeClassifierManifest(name, version);
        manifest["kind"] = "mlnet";
        manifest["file"] = "model.bin";
        manifest["output"] = new JsonObject { ["name"] = "variable", ["kind"] = "score" };
        _packages.WriteFolder(Path.Combine("models", name, version), manifest, [1, 2, 3]);
    }

    private ModelRegistry OpenRegistry(TrackingLoader loader, ILogger<ModelRegistry>? logger = null)
    {
        var options = new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, WatchForChanges = false };
        options.ModelLoaders.Add(loader);
        return new ModelRegistry(options, logger: logger);
    }

    private sealed class TrackingLoader(Action onFirstLoad) : IModelKindLoader
    {
        private int _loaded;
        private int _disposed;

        public int Loaded => _loaded;

        public int Disposed => _disposed;

        public ModelKind Kind => ModelKind.MLNet;

        public IRiskModel Load(ModelFileContext context)
        {
            if (Interlocked.Increment(ref _loaded) == 1)
            {
                onFirstLoad();
            }

            return new Constant(ModelInputBinding.Create(context.Schema, context.Features), () => Interlocked.Increment(ref _disposed));
        }
    }

    private sealed class Constant(ModelInputBinding binding, Action onDispose) : IRiskModel
    {
        public ModelInputBinding Binding => binding;

        public void Score(ReadOnlySpan<float> inputs, Span<float> outputs) => outputs.Fill(1f);

        public void Dispose() => onDispose();
    }

    private sealed class ThrowingLogger : ILogger<ModelRegistry>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 103)
            {
                throw new InvalidOperationException("The log sink is down.");
            }
        }
    }
}
