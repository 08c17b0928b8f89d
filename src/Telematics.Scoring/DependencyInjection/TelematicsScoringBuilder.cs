using Telematics.Scoring.Registry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures Telematics scoring: where models live and which one is served by default. Methods return the same builder.</summary>
public sealed class TelematicsScoringBuilder
{
    private readonly List<Action<ModelRegistryOptions>> _changes = [];

    internal TelematicsScoringBuilder()
    {
    }

    /// <summary>Serves model packages from <paramref name="path"/> (<c>&lt;name&gt;/&lt;version&gt;/</c> folders).</summary>
    /// <param name="path">An existing directory; checked at start-up.</param>
    public TelematicsScoringBuilder UseModelDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _changes.Add(o => o.ModelDirectory = path);
        return this;
    }

    /// <summary>Serves <paramref name="name"/> when a request names no model, at <paramref name="alias"/> (else its highest version).</summary>
    /// <param name="name">Model name in the model directory.</param>
    /// <param name="alias">Alias served by default; default <c>champion</c>.</param>
    public TelematicsScoringBuilder UseDefaultModel(string name, string alias = "champion")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        _changes.Add(o =>
        {
            o.DefaultModel = name;
            o.DefaultAlias = alias;
        });
        return this;
    }

    /// <summary>Turns reload on file change on or off, optionally with another debounce.</summary>
    /// <param name="enabled">Whether to watch; default <see langword="true"/>.</param>
    /// <param name="debounce">Quiet time before reloading; null keeps the current value (default 500 ms).</param>
    public TelematicsScoringBuilder WatchForChanges(bool enabled = true, TimeSpan? debounce = null)
    {
        _changes.Add(o =>
        {
            o.WatchForChanges = enabled;
            if (debounce is { } value)
            {
                o.ReloadDebounce = value;
            }
        });
        return this;
    }

    /// <summary>Changes any registry option directly.</summary>
    public TelematicsScoringBuilder ConfigureRegistry(Action<ModelRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _changes.Add(configure);
        return this;
    }

    internal void ApplyTo(ModelRegistryOptions options)
    {
        foreach (var change in _changes)
        {
            change(options);
        }
    }
}
