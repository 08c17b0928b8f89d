namespace Telematics.Tests;

/// <summary>Measures what a hot path allocates on the calling thread; one source linked into each test project that measures.</summary>
internal static class Allocations
{
    /// <summary>
    /// The least of <paramref name="attempts"/> measurements of <paramref name="action"/>: an allocation of the code under
    /// test shows in every one, while the runtime's own occasional work on this thread (a method recompiled by tiered
    /// compilation while the machine is busy, as seen in CI) shows in one at most.
    /// </summary>
    public static long LeastOf(int attempts, Action action)
    {
        var least = long.MaxValue;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
