using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

public sealed class ModelRegistryStatusTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    private ModelRegistry Registry(string? defaultModel) =>
        new(new ModelRegistryOptions { ModelDirectory = _packages.ModelsRoot, DefaultModel = defaultModel, WatchForChanges = false });

    [Fact]
    public void Status_is_ready_and_lists_the_serving_versions_when_the_default_model_loads()
    {
        _packages.WriteConstantVersion("risk", 1);
        using var registry = Registry("risk");

        var status = registry.GetStatus();

        Assert.True(status.IsReady);
        Assert.Contains(status.Serving, m => (m.Name, m.Version) == ("risk", "1"));
        Assert.Equal(registry.Generation, status.Generation);
        Assert.NotNull(status.LastReloadAt);
        Assert.Empty(status.LastReloadFailures);
    }

    [Fact]
    public void Status_is_not_ready_and_names_the_broken_package_when_the_default_model_fails_to_load()
    {
        var broken = _packages.WriteFolder(Path.Combine("models", "risk", "1"), TestPackages.TreeClassifierManifest("risk", "1"), TestOnnxModels.TreeClassifier(), sha256: new string('0', 64));
        using var registry = Registry("risk");

        var status = registry.GetStatus();

        Assert.False(status.IsReady);
        Assert.Equal(broken, Assert.Single(status.LastReloadFailures).Path);
    }

    [Fact]
    public void Status_clears_the_failure_once_a_reload_succeeds()
    {
        _packages.WriteFolder(Path.Combine("models", "risk", "1"), TestPackages.TreeClassifierManifest("risk", "1"), TestOnnxModels.TreeClassifier(), sha256: new string('0', 64));
        using var registry = Registry("risk");
        Directory.Delete(Path.Combine(_packages.ModelsRoot, "risk", "1"), recursive: true);
        _packages.WriteConstantVersion("risk", 2);

        registry.Reload();
        var status = registry.GetStatus();

        Assert.True(status.IsReady);
        Assert.Empty(status.LastReloadFailures);
        Assert.Null(status.LastReloadError);
    }
}
