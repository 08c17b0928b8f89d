using Telematics.Training.Synthetic;

namespace Telematics.Training.Modeling;

/// <summary>Assigns rows to cross-validation folds: a seeded shuffle, then row at shuffled position p goes to fold <c>p mod k</c>.</summary>
/// <remarks>Deterministic from the seed; fold sizes differ by at most one.</remarks>
internal static class FoldAssignment
{
    /// <summary>Returns the fold (0 to <paramref name="folds"/> − 1) of each of <paramref name="count"/> rows.</summary>
    /// <param name="count">Number of rows, ≥ <paramref name="folds"/>.</param>
    /// <param name="folds">Number of folds, 2 to 20.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static int[] Create(int count, int folds, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(folds, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, folds);
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        // A stream far from those of the drivers (2i and 2i + 1), so folds are independent of every driver's draws.
        var rng = Xoshiro256.ForStream(seed, 0xF01D5UL << 40);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(rng.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        var fold = new int[count];
        for (var p = 0; p < count; p++)
        {
            fold[order[p]] = p % folds;
        }

        return fold;
    }
}
