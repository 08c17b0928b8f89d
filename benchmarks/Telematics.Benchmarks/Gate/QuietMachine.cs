using System.Diagnostics;
using System.Globalization;

namespace Telematics.Benchmarks.Gate;

/// <summary>
/// Waits, for a bounded time, until the other processes of the machine leave the CPUs idle: a gate measured while a
/// test run or a compiler winds down reads the contention, not the code (a compute-bound candidate slows more than a
/// memory-bound baseline, so even ratios move).
/// </summary>
/// <remarks>Reads the kernel's CPU counters (<c>/proc/stat</c>); where they are missing it does not wait.</remarks>
internal static class QuietMachine
{
    /// <summary>Busy share of all CPUs, over one sampling second, below which the machine counts as quiet.</summary>
    public const double QuietBusyShare = 0.15;

    /// <summary>Samples the CPUs once a second until they are quiet or <paramref name="maxWait"/> has passed.</summary>
    /// <returns>One line for the report: how long it waited and how busy the machine was at the end.</returns>
    public static string Wait(TimeSpan maxWait)
    {
        if (maxWait <= TimeSpan.Zero)
        {
            return "quiet machine: not waited (--no-wait)";
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var busy = BusyShare(TimeSpan.FromSeconds(1));
            var waited = Stopwatch.GetElapsedTime(started);
            if (busy is null)
            {
                return "quiet machine: CPU counters unavailable, not waited";
            }

            if (busy < QuietBusyShare)
            {
                return string.Create(CultureInfo.InvariantCulture, $"quiet machine: {busy:P0} busy after {waited.TotalSeconds:F0} s");
            }

            if (waited >= maxWait)
            {
                return string.Create(CultureInfo.InvariantCulture, $"machine still {busy:P0} busy after {waited.TotalSeconds:F0} s; measuring anyway");
            }
        }
    }

    // Share of CPU time not idle (iowait counts as idle) over the interval; null without /proc/stat.
    private static double? BusyShare(TimeSpan interval)
    {
        var first = Read();
        Thread.Sleep(interval);
        var second = Read();
        if (first is null || second is null)
        {
            return null;
        }

        var total = second.Value.Total - first.Value.Total;
        return total <= 0 ? 0 : 1.0 - ((double)(second.Value.Idle - first.Value.Idle) / total);
    }

    private static (long Total, long Idle)? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            // cpu user nice system idle iowait irq softirq steal ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long total = 0, idle = 0;
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                var value = long.Parse(fields[i], CultureInfo.InvariantCulture);
                total += value;
                if (i is 4 or 5)
                {
                    idle += value;
                }
            }

            return (total, idle);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
