using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Telematics.Scoring.Diagnostics;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Registry;

// Reading a model directory: loading and validating one version, its name's aliases file, and the fingerprint that
// tells a reload whether a version's files changed.
public sealed partial class ModelRegistry
{
    private LoadedModel? TryLoad(string name, string version, string path, string fingerprint, List<RegistryLoadFailure> failures)
    {
        try
        {
            var package = ModelPackageLoader.Load(path, _schema, _options.MaxBatchSize, _loaders);
            if (package.Name != name || package.Version != version)
            {
                package.Dispose();
                throw new ModelPackageException($"Package '{path}' declares {package.Name}@{package.Version} but sits at {name}/{version}.");
            }

            Log.ModelLoaded(_logger, name, version, path);
            _metrics?.RecordReload(name, version, loaded: true);
            return new LoadedModel(package, _time.GetUtcNow(), fingerprint);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException or ThreadInterruptedException))
        {
            // Nothing a package holds may take the registry down: every failure refuses this version and the rest loads.
            Log.ModelLoadFailed(_logger, path, e);
            _metrics?.RecordReload(name, version, loaded: false);
            failures.Add(new RegistryLoadFailure(path, e.Message));
            return null;
        }
    }

    private IReadOnlyDictionary<string, string> ReadAliases(string name, string nameDirectory, SortedList<string, LoadedModel> versions, RegistrySnapshot.Entry? oldEntry, List<RegistryLoadFailure> failures)
    {
        IReadOnlyDictionary<string, string> aliases;
        try
        {
            aliases = ModelAliases.Read(nameDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // Reported as a failed load is (result, log, metric); the aliases served so far stay. On the first load there are
            // none, so the name serves its highest version until the file is fixed — loudly, not silently.
            Log.AliasProblem(_logger, name, e.Message);
            _metrics?.RecordAliasFailure(name);
            failures.Add(new RegistryLoadFailure(Path.Combine(nameDirectory, ModelAliases.FileName), e.Message));
            aliases = oldEntry?.Aliases ?? new Dictionary<string, string>();
        }

        var valid = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, version) in aliases)
        {
            if (versions.ContainsKey(version))
            {
                valid[alias] = version;
            }
            else
            {
                var problem = $"alias '{alias}' points at version '{version}', which is not served";
                Log.AliasProblem(_logger, name, problem);
                _metrics?.RecordAliasFailure(name);
                failures.Add(new RegistryLoadFailure(Path.Combine(nameDirectory, ModelAliases.FileName), problem));
            }
        }

        return valid;
    }

    /// <summary>
    /// The versions of one model: its folders and <c>.zip</c> files, except names starting with <c>.</c> (a package being
    /// written, e.g. by <c>telematics train</c>, before it is renamed into place). A version held both as a folder and as a
    /// <c>.zip</c> is served from the folder, and the <c>.zip</c> is reported, not loaded.
    /// </summary>
    private static List<(string Version, string Path)> VersionPaths(string nameDirectory, List<RegistryLoadFailure> failures)
    {
        var paths = new List<(string Version, string Path)>();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in Directory.GetDirectories(nameDirectory))
        {
            var version = Path.GetFileName(directory);
            if (!IsHidden(version))
            {
                folders.Add(version);
                paths.Add((version, directory));
            }
        }

        foreach (var zip in Directory.GetFiles(nameDirectory, "*.zip"))
        {
            var version = Path.GetFileNameWithoutExtension(zip);
            if (IsHidden(version))
            {
                continue;
            }

            if (folders.Contains(version))
            {
                failures.Add(new RegistryLoadFailure(zip, $"version '{version}' is also the folder {Path.Combine(nameDirectory, version)}; the folder is served and this file is not loaded (keep one of them)"));
                continue;
            }

            paths.Add((version, zip));
        }

        return paths;
    }

    /// <summary>Whether a name in the model directory is to be left alone: a dot-name is work in progress, not a model or version.</summary>
    private static bool IsHidden(string name) => name.StartsWith('.');

    /// <summary>Name, size and write time of every file of a package: changes when any file is replaced.</summary>
    private static string Fingerprint(string path)
    {
        var text = new StringBuilder();
        IEnumerable<string> files = File.Exists(path) ? [path] : Directory.GetFiles(path).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            text.Append(info.Name).Append('|').Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
