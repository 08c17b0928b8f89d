namespace Telematics.Fuzz;

/// <summary>Every fuzz target by name.</summary>
public static class FuzzTargets
{
    /// <summary>The targets, in the order <c>--list</c> prints them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } = [.. ReaderTargets.All(), .. DefinitionTargets.All()];

    /// <summary>The target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name)
    {
        foreach (var target in All)
        {
            if (string.Equals(target.Name, name, StringComparison.Ordinal))
            {
                return target;
            }
        }

        return null;
    }
}
