using Telematics.Scoring.DependencyInjection;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Shipped;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures Telematics scoring: where models live and which one is served by default. Methods return the same builder.</summary>
public sealed class TelematicsScoringBuilder
{
    private readonly List<Action<ModelRegistryOptions>> _changes = [];
    private readonly List<Action<ScoringExperimentsOptions>> _experiments = [];

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

    /// <summary>
    /// Serves the model shipped with the SDK (<see cref="ShippedModel"/>, <c>telematics-frequency</c>) as the default
    /// model at <c>champion</c>: it is extracted into <paramref name="modelDirectory"/>, which becomes the model directory.
    /// </summary>
    /// <param name="modelDirectory">Where to extract it (created if missing); default a per-user temp folder keyed by the model's hash.</param>
    public TelematicsScoringBuilder UseShippedModel(string? modelDirectory = null)
    {
        _changes.Add(o =>
        {
            var directory = modelDirectory ?? ShippedModel.DefaultDirectory();
            ShippedModel.ExtractTo(directory);
            o.ModelDirectory = directory;
            o.DefaultModel = ShippedModel.Name;
            o.DefaultAlias = "champion";
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

    /// <summary>Registers an experiment for <c>ExperimentScorer</c>; its variants' model references are checked against the registry at start-up.</summary>
    /// <param name="experiment">A validated experiment; its name must differ from every other registered experiment's.</param>
    public TelematicsScoringBuilder UseExperiment(ExperimentDefinition experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        _experiments.Add(o => o.Experiments.Add(experiment));
        return this;
    }

    /// <summary>Registers the experiment in a JSON file (see <see cref="ExperimentJson"/>), read when options are built at start-up.</summary>
    /// <param name="path">Path of the experiment file; a missing or invalid file fails start-up validation with a message naming the file and field.</param>
    public TelematicsScoringBuilder UseExperiment(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _experiments.Add(o =>
        {
            try
            {
                o.Experiments.Add(ExperimentJson.Load(path));
            }
            catch (ExperimentDefinitionException e)
            {
                o.LoadErrors.Add(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                o.LoadErrors.Add($"Experiment file '{path}' cannot be read: {e.Message}");
            }
        });
        return this;
    }

    internal void ApplyTo(ScoringExperimentsOptions options)
    {
        foreach (var change in _experiments)
        {
            change(options);
        }
    }

    internal void ApplyTo(ModelRegistryOptions options)
    {
        foreach (var change in _changes)
        {
            change(options);
        }
    }
}
