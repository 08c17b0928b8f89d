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
            var loaded = new List<string>();
            var failures = new List<RegistryLoadFailure>();
            var keep = new HashSet<LoadedModel>();
            var entries = new Dictionary<string, RegistrySnapshot.Entry>(StringComparer.Ordinal);
            var unchanged = 0;
            var directory = _options.ModelDirectory;
            IEnumerable<string> nameDirectories = directory is null ? [] : Directory.GetDirectories(directory).Order(StringComparer.Ordinal);
            foreach (var nameDirectory in nameDirectories)
            {
                var name = Path.GetFileName(nameDirectory);
                if (IsHidden(name))
                {
                    continue;
                }

                old.Entries.TryGetValue(name, out var oldEntry);
                var versions = new SortedList<string, LoadedModel>(VersionComparer.Instance);
                foreach (var (version, path) in VersionPaths(nameDirectory, failures))
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
                        failures.Add(new RegistryLoadFailure(path, e.Message));
                        if (previous is not null)
                        {
                            versions.Add(version, previous);
                            keep.Add(previous);
                        }

                        continue;
                    }

                    if (previous is not null && previous.Fingerprint == fingerprint)
                    {
                        versions.Add(version, previous);
                        keep.Add(previous);
                        unchanged++;
                        continue;
                    }

                    var model = TryLoad(name, version, path, fingerprint, failures);
                    if (model is not null)
                    {
                        versions.Add(version, model);
                        loaded.Add($"{name}@{version}");
                    }
                    else if (previous is not null)
                    {
                        versions.Add(version, previous);
                        keep.Add(previous);
                    }
                }

                var aliases = ReadAliases(name, nameDirectory, versions, oldEntry, failures);
                if (versions.Count > 0)
                {
                    entries.Add(name, new RegistrySnapshot.Entry(versions, aliases));
                }
            }

            var next = new RegistrySnapshot(old.Generation + 1, entries);
            Interlocked.Exchange(ref _snapshot, next);
            var removed = new List<string>();
            foreach (var entry in old.Entries.Values)
            {
                foreach (var model in entry.Versions.Values)
                {
                    if (!keep.Contains(model))
                    {
                        removed.Add(model.Package.ToString());
                        model.Release();
                    }
                }
            }

            Log.ReloadCompleted(_logger, next.Generation, loaded.Count, unchanged, removed.Count, failures.Count);
            var result = new RegistryReloadResult(next.Generation, loaded, unchanged, removed, failures);
            Volatile.Write(ref _lastReload, new ReloadRecord(result, _time.GetUtcNow()));
            Volatile.Write(ref _lastReloadError, null);
            return result;
        }
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
}
