using System.Diagnostics.CodeAnalysis;
using Telematics.Scoring.Diagnostics;

namespace Telematics.Scoring.Registry;

// Reloading: a rescan of the model directory builds the next snapshot aside and swaps it in, retiring what left it; a file
// change reloads after the debounce, and what the last reload did is kept for the status.
public sealed partial class ModelRegistry
{
    /// <summary>Rescans the directory now: loads new or changed versions, retires removed ones, re-reads aliases.</summary>
    /// <returns>What changed and what failed; failures leave the serving versions in place.</returns>
    public RegistryReloadResult Reload()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_reloadLock)
        {
            var old = _snapshot;
            var pass = new ReloadPass();
            var entries = new Dictionary<string, RegistrySnapshot.Entry>(StringComparer.Ordinal);
            RegistrySnapshot next;
            try
            {
                var directory = _options.ModelDirectory;
                IEnumerable<string> nameDirectories = directory is null ? [] : Directory.GetDirectories(directory).Order(StringComparer.Ordinal);
                foreach (var nameDirectory in nameDirectories)
                {
                    var name = Path.GetFileName(nameDirectory);
                    if (!IsHidden(name) && ScanName(name, nameDirectory, old, pass) is { } entry)
                    {
                        entries.Add(name, entry);
                    }
                }

                next = new RegistrySnapshot(old.Generation + 1, entries);
            }
            catch
            {
                // Whatever went wrong, the models this pass loaded are served by no snapshot: release their sessions now.
                foreach (var model in pass.Fresh)
                {
                    model.Release();
                }

                throw;
            }

            Interlocked.Exchange(ref _snapshot, next);
            var removed = new List<string>();
            foreach (var entry in old.Entries.Values)
            {
                foreach (var model in entry.Versions.Values)
                {
                    if (!pass.Keep.Contains(model))
                    {
                        removed.Add(model.Package.ToString());
                        model.Release();
                    }
                }
            }

            Log.ReloadCompleted(_logger, next.Generation, pass.Loaded.Count, pass.Unchanged, removed.Count, pass.Failures.Count);
            var result = new RegistryReloadResult(next.Generation, pass.Loaded, pass.Unchanged, removed, pass.Failures);
            Volatile.Write(ref _lastReload, new ReloadRecord(result, _time.GetUtcNow()));
            Volatile.Write(ref _lastReloadError, null);
            return result;
        }
    }

    /// <summary>The next entry of one model name, or null when it serves no version.</summary>
    private RegistrySnapshot.Entry? ScanName(string name, string nameDirectory, RegistrySnapshot old, ReloadPass pass)
    {
        old.Entries.TryGetValue(name, out var oldEntry);
        List<(string Version, string Path)> paths;
        try
        {
            paths = VersionPaths(nameDirectory, pass.Failures);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder went away (or became unreadable) while the directory was read: what it served stays until the
            // change that caused this reloads again.
            pass.Failures.Add(new RegistryLoadFailure(nameDirectory, e.Message));
            if (oldEntry is not null)
            {
                pass.Keep.UnionWith(oldEntry.Versions.Values);
            }

            return oldEntry;
        }

        var versions = new SortedList<string, LoadedModel>(VersionComparer.Instance);
        foreach (var (version, path) in paths)
        {
            var previous = oldEntry is not null && oldEntry.Versions.TryGetValue(version, out var p) ? p : null;
            string fingerprint;
            try
            {
                fingerprint = Fingerprint(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Files replaced while the directory is read: the version is retried on the next change.
                pass.Failures.Add(new RegistryLoadFailure(path, e.Message));
                pass.KeepIn(versions, version, previous);
                continue;
            }

            if (previous is not null && previous.Fingerprint == fingerprint)
            {
                pass.KeepIn(versions, version, previous);
                pass.Unchanged++;
                continue;
            }

            var model = TryLoad(name, version, path, fingerprint, pass.Failures);
            if (model is not null)
            {
                pass.Fresh.Add(model);
                versions.Add(version, model);
                pass.Loaded.Add($"{name}@{version}");
            }
            else
            {
                pass.KeepIn(versions, version, previous);
            }
        }

        var aliases = ReadAliases(name, nameDirectory, versions, oldEntry, pass.Failures);
        return versions.Count > 0 ? new RegistrySnapshot.Entry(versions, aliases) : null;
    }

    private void OnFileChange(object sender, FileSystemEventArgs e) =>
        _debounce?.Change(_options.ReloadDebounce, Timeout.InfiniteTimeSpan);

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A timer callback must not crash the process; the failure is logged and the serving snapshot stays.")]
    private void ReloadAfterChange()
    {
        try
        {
            if (!_disposed)
            {
                Reload();
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _lastReloadError, e.Message);
            Log.WatchReloadFailed(_logger, e);
        }
    }

    private sealed record ReloadRecord(RegistryReloadResult Result, DateTimeOffset At);

    /// <summary>What one reload pass has loaded, kept and refused so far.</summary>
    private sealed class ReloadPass
    {
        public List<string> Loaded { get; } = [];

        public List<RegistryLoadFailure> Failures { get; } = [];

        /// <summary>Models of the serving snapshot that the next one serves too.</summary>
        public HashSet<LoadedModel> Keep { get; } = [];

        /// <summary>Models loaded by this pass, released if the pass fails before its snapshot is swapped in.</summary>
        public List<LoadedModel> Fresh { get; } = [];

        public int Unchanged { get; set; }

        public void KeepIn(SortedList<string, LoadedModel> versions, string version, LoadedModel? previous)
        {
            if (previous is not null)
            {
                versions.Add(version, previous);
                Keep.Add(previous);
            }
        }
    }
}
