using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Telematics.Scoring.Json;

namespace Telematics.Scoring.Registry;

/// <summary>
/// Reads and writes a model name's alias file, <c>&lt;dir&gt;/&lt;name&gt;/aliases.json</c>: one JSON object mapping alias to
/// version, for example <c>{"champion": "3", "challenger": "4"}</c>, in UTF-8 with or without a byte order mark. Writes are atomic (a temp file of their own, flushed,
/// then renamed over the file).
/// </summary>
/// <remarks>
/// <see cref="Set"/> and <see cref="Remove"/> read, change and rewrite the file; within one process they are serialised
/// per folder, so concurrent writers of different aliases all land. Writers in other processes never share a temp file,
/// but are not serialised with this one: the last rename wins.
/// </remarks>
public static partial class ModelAliases
{
    /// <summary>The alias file's name inside a model name's folder.</summary>
    public const string FileName = "aliases.json";

    // One lock per model folder (by full path), shared by every registry and caller in the process.
    private static readonly ConcurrentDictionary<string, Lock> WriteLocks =
        new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>Reads the aliases of the model folder <paramref name="nameDirectory"/>; empty when it has no alias file.</summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object of alias → version strings, an alias name is invalid, or an alias names no version (null or empty).</exception>
    public static IReadOnlyDictionary<string, string> Read(string nameDirectory)
    {
        var path = Path.Combine(nameDirectory, FileName);
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        Dictionary<string, string>? aliases;
        try
        {
            aliases = JsonSerializer.Deserialize<Dictionary<string, string>>(Utf8Bom.Skip(File.ReadAllBytes(path)).Span);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} line {e.LineNumber + 1}: expected an object of alias → version strings: {e.Message}", e);
        }

        if (aliases is null)
        {
            throw new InvalidDataException($"{path}: expected an object of alias → version strings.");
        }

        foreach (var (alias, version) in aliases)
        {
            if (!AliasPattern().IsMatch(alias))
            {
                throw new InvalidDataException($"{path}: alias '{alias}' must be 1–64 letters, digits, '.', '_' or '-'.");
            }

            // JSON null deserialises despite the non-nullable type; refusing the file keeps the aliases served before.
            if (string.IsNullOrWhiteSpace(version))
            {
                throw new InvalidDataException($"{path}: alias '{alias}' names no version.");
            }
        }

        return new Dictionary<string, string>(aliases, StringComparer.Ordinal);
    }

    /// <summary>Points <paramref name="alias"/> of model folder <paramref name="nameDirectory"/> at <paramref name="version"/>, keeping the other aliases.</summary>
    /// <exception cref="ArgumentException">The alias name is invalid.</exception>
    /// <exception cref="InvalidDataException">The existing alias file is malformed.</exception>
    public static void Set(string nameDirectory, string alias, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        if (!AliasPattern().IsMatch(alias))
        {
            throw new ArgumentException($"Alias '{alias}' must be 1–64 letters, digits, '.', '_' or '-'.", nameof(alias));
        }

        lock (WriteLock(nameDirectory))
        {
            Write(nameDirectory, new Dictionary<string, string>(Read(nameDirectory), StringComparer.Ordinal) { [alias] = version });
        }
    }

    /// <summary>Removes <paramref name="alias"/> from model folder <paramref name="nameDirectory"/>, keeping the other aliases.</summary>
    /// <returns>Whether the alias existed.</returns>
    /// <exception cref="InvalidDataException">The existing alias file is malformed.</exception>
    public static bool Remove(string nameDirectory, string alias)
    {
        lock (WriteLock(nameDirectory))
        {
            var aliases = new Dictionary<string, string>(Read(nameDirectory), StringComparer.Ordinal);
            if (!aliases.Remove(alias))
            {
                return false;
            }

            Write(nameDirectory, aliases);
            return true;
        }
    }

    private static Lock WriteLock(string nameDirectory) =>
        WriteLocks.GetOrAdd(Path.TrimEndingDirectorySeparator(Path.GetFullPath(nameDirectory)), static _ => new Lock());

    // Written beside and renamed over the file, so a reader sees the old aliases or the new ones, never half a file. The temp
    // name is unique per write (a dot-name, which the registry leaves alone) so that two writers never rename each other's
    // temp away; it is flushed to disk before the rename so a crash cannot leave an empty aliases.json behind.
    private static void Write(string nameDirectory, Dictionary<string, string> aliases)
    {
        var path = Path.Combine(nameDirectory, FileName);
        var temp = Path.Combine(nameDirectory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(aliases, StringComparer.Ordinal), new JsonSerializerOptions { WriteIndented = true });
        var moved = false;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            moved = true;
        }
        finally
        {
            if (!moved)
            {
                TryDelete(temp);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write already failed and says why; a stray dot-file is ignored by the registry.
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex AliasPattern();
}
