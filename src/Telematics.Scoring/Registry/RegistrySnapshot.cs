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

/// <summary>
/// Orders versions numerically where they are numbered (2 &lt; 10, 1.2 &lt; 1.10, 9 &lt; 10 &lt; 10a), as a total order.
/// </summary>
/// <remarks>
/// Segment by segment (split at '.'), then fewer segments first. A segment is its leading digits and the rest: a segment
/// with digits sorts before one without; digits compare by value (digits without leading zeros, by length then
/// ordinally), then fewer leading zeros first (1 &lt; 01); then the rest ordinally. Each step is a total order and the
/// keys give back the string, so the whole is total and 0 only for equal strings — what the sorted list's binary search
/// needs (comparing digits numerically only where both segments parse made 9 &lt; 10 &lt; 10a &lt; 9, a cycle).
/// </remarks>
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
            var order = CompareSegments(xs[i], ys[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return xs.Length.CompareTo(ys.Length);
    }

    private static int CompareSegments(string x, string y)
    {
        var xDigits = LeadingDigits(x);
        var yDigits = LeadingDigits(y);
        if ((xDigits == 0) != (yDigits == 0))
        {
            return xDigits == 0 ? 1 : -1;
        }

        var xZeros = LeadingZeros(x, xDigits);
        var yZeros = LeadingZeros(y, yDigits);
        var xValue = x.AsSpan(xZeros, xDigits - xZeros);
        var yValue = y.AsSpan(yZeros, yDigits - yZeros);
        var order = xValue.Length.CompareTo(yValue.Length);
        if (order == 0)
        {
            order = xValue.SequenceCompareTo(yValue);
        }

        if (order == 0)
        {
            order = xZeros.CompareTo(yZeros);
        }

        return order != 0 ? order : string.CompareOrdinal(x[xDigits..], y[yDigits..]);
    }

    private static int LeadingDigits(string segment)
    {
        var i = 0;
        while (i < segment.Length && char.IsAsciiDigit(segment[i]))
        {
            i++;
        }

        return i;
    }

    private static int LeadingZeros(string segment, int digits)
    {
        var i = 0;
        while (i < digits && segment[i] == '0')
        {
            i++;
        }

        return i;
    }
}
