using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telematics.Features.Schema;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Registry;

/// <summary>
/// Serves versioned model packages from a directory (<c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;/</c>) with aliases, hot reload
/// on file change (debounced) or on demand, and the built-in rules model under <see cref="ModelPackage.BuiltInName"/>.
/// </summary>
/// <remarks>
/// A reload builds a new immutable snapshot aside — unchanged versions are kept, changed ones loaded and validated
/// (binding, SHA-256, a finite smoke score) — and swaps it in with <see cref="Interlocked.Exchange{T}(ref T, T)"/>.
/// A version that fails to load leaves the version already serving in place and is reported (log + metric).
/// Leases keep a version alive until every in-flight score on it finishes; the last release disposes it.
/// All members are thread-safe.
/// </remarks>
public sealed partial class ModelRegistry : IDisposable
{
    private readonly ModelRegistryOptions _options;
    private readonly FeatureSchema _schema;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ScoringMetrics? _metrics;
    private readonly LoadedModel _builtIn;
    private readonly IModelKindLoader[] _loaders;
    private readonly LoadedModel? _pinned;
    private readonly Lock _reloadLock = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer? _debounce;
    private RegistrySnapshot _snapshot;
    private ReloadRecord? _lastReload;
    private string? _lastReloadError;
    private bool _disposed;

    /// <summary>Creates the registry and loads the directory once.</summary>
    /// <param name="options">Where models live and how they are served.</param>
    /// <param name="schema">The feature schema this process provides; default <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <param name="logger">Receives load, failure and reload messages.</param>
    /// <param name="timeProvider">Clock for load times and the debounce timer; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="metrics">Receives reload counts.</param>
    /// <exception cref="DirectoryNotFoundException"><see cref="ModelRegistryOptions.ModelDirectory"/> is set but does not exist.</exception>
    public ModelRegistry(ModelRegistryOptions options, FeatureSchema? schema = null, ILogger<ModelRegistry>? logger = null, TimeProvider? timeProvider = null, ScoringMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _schema = schema ?? TelematicsFeatures.Schema;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _loaders = [.. options.ModelLoaders];
        _builtIn = new LoadedModel(ModelPackage.CreateBuiltIn(), _time.GetUtcNow(), "builtin");
        _snapshot = new RegistrySnapshot(0, new Dictionary<string, RegistrySnapshot.Entry>(StringComparer.Ordinal));
        if (options.ModelDirectory is { } directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"The model directory '{directory}' does not exist.");
            }

            Reload();
            if (options.WatchForChanges)
            {
                _debounce = _time.CreateTimer(_ => ReloadAfterChange(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                _watcher.Changed += OnFileChange;
                _watcher.Created += OnFileChange;
                _watcher.Deleted += OnFileChange;
                _watcher.Renamed += OnFileChange;
                _watcher.EnableRaisingEvents = true;
            }
        }
    }

    private ModelRegistry(ModelPackage package, TimeProvider? timeProvider)
        : this(new ModelRegistryOptions { DefaultModel = package.Name, WatchForChanges = false }, null, null, timeProvider, null)
    {
        _pinned = new LoadedModel(package, _time.GetUtcNow(), package.Sha256);
    }

    /// <summary>Creates a registry that serves one already loaded package (as the default model) besides the built-in one; for tools and tests.</summary>
    /// <param name="package">The package; the registry owns it from now on and disposes it.</param>
    /// <param name="timeProvider">Clock for the load time; default <see cref="TimeProvider.System"/>.</param>
    public static ModelRegistry ForPackage(ModelPackage package, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        return new ModelRegistry(package, timeProvider);
    }

    /// <summary>The generation of the serving snapshot; each reload adds one.</summary>
    public long Generation => Volatile.Read(ref _snapshot).Generation;

    /// <summary>Every served version, the built-in one first, then by name and version.</summary>
    public IReadOnlyList<ModelInfo> Models
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            var list = new List<ModelInfo> { Describe(_builtIn, []) };
            if (_pinned is not null)
            {
                list.Add(Describe(_pinned, []));
            }

            foreach (var (name, entry) in snapshot.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                foreach (var model in entry.Versions.Values)
                {
                    var aliases = entry.Aliases.Where(a => a.Value == model.Package.Version).Select(a => a.Key).Order(StringComparer.Ordinal).ToArray();
                    list.Add(Describe(model, aliases));
                }
            }

            return list;
        }
    }

    /// <summary>The model a request that names none is scored with.</summary>
    internal string DefaultModelName => _options.DefaultModel ?? ModelPackage.BuiltInName;

    /// <summary>Leases the version a request should be scored with.</summary>
    /// <param name="name">Model name; null for <see cref="ModelRegistryOptions.DefaultModel"/> (the built-in model when that is null).</param>
    /// <param name="versionOrAlias">
    /// A version or alias; null for <see cref="ModelRegistryOptions.DefaultAlias"/>, else the highest version. The default alias
    /// named explicitly resolves the same way when no aliases.json of the model names it (the built-in model has none).
    /// </param>
    /// <param name="lease">The lease to dispose when the score is done.</param>
    /// <returns><see langword="false"/> when no such model or version is served.</returns>
    public bool TryAcquire(string? name, string? versionOrAlias, out ModelLease lease)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        name ??= _options.DefaultModel ?? ModelPackage.BuiltInName;
        if (name == ModelPackage.BuiltInName)
        {
            // No aliases.json names the built-in model's versions: the default alias by name means it, as no alias does.
            if ((versionOrAlias is null or ModelPackage.BuiltInVersion || versionOrAlias == _options.DefaultAlias) && _builtIn.TryAddReference())
            {
                lease = new ModelLease(_builtIn);
                return true;
            }

            lease = default;
            return false;
        }

        if (_pinned is not null && name == _pinned.Package.Name)
        {
            if (versionOrAlias is null || versionOrAlias == _pinned.Package.Version || versionOrAlias == _options.DefaultAlias)
            {
                if (_pinned.TryAddReference())
                {
                    lease = new ModelLease(_pinned);
                    return true;
                }
            }

            lease = default;
            return false;
        }

        while (true)
        {
            var snapshot = Volatile.Read(ref _snapshot);
            var model = snapshot.Entries.TryGetValue(name, out var entry) ? entry.Resolve(versionOrAlias, _options.DefaultAlias) : null;
            if (model is null)
            {
                lease = default;
                return false;
            }

            if (model.TryAddReference())
            {
                lease = new ModelLease(model);
                return true;
            }

            // The version was retired and drained between reading the snapshot and leasing it; read the new snapshot.
        }
    }

    /// <summary>Leases the version a request should be scored with.</summary>
    /// <exception cref="KeyNotFoundException">No such model or version is served; the message lists what is.</exception>
    public ModelLease Acquire(string? name = null, string? versionOrAlias = null) =>
        TryAcquire(name, versionOrAlias, out var lease)
            ? lease
            : throw new KeyNotFoundException($"No model '{name ?? _options.DefaultModel}'{(versionOrAlias is null ? "" : $" version or alias '{versionOrAlias}'")} is served; serving: {string.Join(", ", Models.Select(m => $"{m.Name}@{m.Version}"))}.");

    /// <summary>Returns what is serving and how the last reload went, for a readiness probe; cheap and never throws.</summary>
    /// <returns>A point-in-time status; <see cref="RegistryStatus.IsReady"/> says whether the default model resolves.</returns>
    public RegistryStatus GetStatus()
    {
        var ready = false;
        if (!_disposed && TryAcquire(null, null, out var lease))
        {
            lease.Dispose();
            ready = true;
        }

        var last = Volatile.Read(ref _lastReload);
        return new RegistryStatus(ready, Generation, _disposed ? [] : Models, last?.At, last?.Result.Failures ?? [], Volatile.Read(ref _lastReloadError));
    }

    /// <summary>Points <paramref name="alias"/> of model <paramref name="name"/> at <paramref name="version"/> (writing its aliases.json) and reloads.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">
    /// A served version, or an alias of <paramref name="name"/>: an alias is resolved to the version it points at now and that
    /// version is written (promoting <c>challenger</c> to <c>champion</c> makes <c>champion</c> name the challenger's version;
    /// the two aliases do not stay linked). An alias shadows a version of the same name, as in <see cref="TryAcquire"/>.
    /// </param>
    /// <param name="alias">The alias to point at the version.</param>
    /// <returns>The reload after the write; the alias's version is in <see cref="Models"/>.</returns>
    /// <exception cref="InvalidOperationException">The registry has no model directory.</exception>
    /// <exception cref="KeyNotFoundException">The version (or alias) is not served.</exception>
    /// <exception cref="InvalidDataException">The name's aliases.json is malformed (for example an alias naming no version); it is not rewritten, so fix it by hand.</exception>
    public RegistryReloadResult Promote(string name, string version, string alias = "champion")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var directory = _options.ModelDirectory ?? throw new InvalidOperationException("The registry has no model directory to write aliases to.");
        if (!TryAcquire(name, version, out var lease))
        {
            throw new KeyNotFoundException($"Model {name}@{version} is not served, so it cannot be promoted to '{alias}'.");
        }

        // aliases.json maps alias → version, never alias → alias (a reload drops such an entry): write what 'version' resolves to.
        string resolved;
        using (lease)
        {
            resolved = lease.Package.Version;
        }

        ModelAliases.Set(Path.Combine(directory, name), alias, resolved);
        return Reload();
    }

    /// <summary>Removes <paramref name="alias"/> of model <paramref name="name"/> (rewriting its aliases.json) and reloads; nothing changes when there is no such alias.</summary>
    /// <returns>The reload, or null when the alias did not exist.</returns>
    /// <exception cref="InvalidOperationException">The registry has no model directory.</exception>
    public RegistryReloadResult? RemoveAlias(string name, string alias)
    {
        var directory = _options.ModelDirectory ?? throw new InvalidOperationException("The registry has no model directory to write aliases to.");
        return ModelAliases.Remove(Path.Combine(directory, name), alias) ? Reload() : null;
    }

    /// <summary>Stops watching and disposes every version once its leases drain.</summary>
    public void Dispose()
    {
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watcher?.Dispose();
            _debounce?.Dispose();
            var last = Interlocked.Exchange(ref _snapshot, new RegistrySnapshot(_snapshot.Generation + 1, new Dictionary<string, RegistrySnapshot.Entry>()));
            foreach (var entry in last.Entries.Values)
            {
                foreach (var model in entry.Versions.Values)
                {
                    model.Release();
                }
            }

            _builtIn.Release();
            _pinned?.Release();
        }
    }

    private static ModelInfo Describe(LoadedModel model, IReadOnlyList<string> aliases)
    {
        var p = model.Package;
        return new ModelInfo(p.Name, p.Version, p.Kind, aliases, model.LoadedAt, p.Source, p.Sha256, p.ReferenceScore);
    }
}
