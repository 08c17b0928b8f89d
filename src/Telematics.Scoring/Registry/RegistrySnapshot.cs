using System.Globalization;

namespace Telematics.Scoring.Registry;

/// <summary>An immutable view of every served version and alias; replaced whole by <see cref="ModelRegistry"/>.</summary>
internal sealed class RegistrySnapshot(long generation, IReadOnlyDictionary<string, RegistrySnapshot.Entry> entries)
{
    public long Generation { get; } = generation;

    public IReadOnlyDictionary<string, Entry> Entries { get; } = entries;

    /// <summary>The versions of one name (ascending) and its aliases.</summary>
    internal sealed class Entry(SortedList<string, LoadedModel> versions, IReadOnlyDictionary<string, string> aliases)
    {
        public SortedList<string, LoadedModel> Versions { get; } = versions;

        public IReadOnlyDictionary<string, string> Aliases { get; } = aliases;

        public LoadedModel? Resolve(string? versionOrAlias, string defaultAlias)
        {
            if (versionOrAlias is null)
            {
                if (Aliases.TryGetValue(defaultAlias, out var aliased) && Versions.TryGetValue(aliased, out var champion))
                {
                    return champion;
                }

                return Versions.Count == 0 ? null : Versions.Values[Versions.Count - 1];
            }

            if (Aliases.TryGetValue(versionOrAlias, out var target))
            {
                return Versions.TryGetValue(target, out var aliased) ? aliased : null;
            }

            if (Versions.TryGetValue(versionOrAlias, out var model))
            {
                return model;
            }

            // The default alias asked for by name, where no aliases.json names it, is what a request naming none gets; else an
            // experiment arm "champion" would be refused where an implicit request is served.
            return versionOrAlias == defaultAlias ? Resolve(null, defaultAlias) : null;
        }
    }
}

/// <summary>Orders versions numerically where both are integers or dotted integers (2 &lt; 10, 1.2 &lt; 1.10), ordinally otherwise.</summary>
internal sealed class VersionComparer : IComparer<string>
{
    public static VersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        var xs = x.Split('.');
        var ys = y.Split('.');
        for (var i = 0; i < Math.Min(xs.Length, ys.Length); i++)
        {
            var bothNumbers = long.TryParse(xs[i], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                & long.TryParse(ys[i], NumberStyles.None, CultureInfo.InvariantCulture, out var b);
            var order = bothNumbers ? a.CompareTo(b) : string.CompareOrdinal(xs[i], ys[i]);
            if (order != 0)
            {
                return order;
            }
        }

        var byLength = xs.Length.CompareTo(ys.Length);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }
}
