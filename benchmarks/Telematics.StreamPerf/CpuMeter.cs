using System.Diagnostics;
using System.Globalization;

namespace Telematics.StreamPerf;

/// <summary>
/// CPU seconds spent by PostgreSQL (the postmaster, its live children and the children it has reaped), one other server (the
/// NATS server, or the host for the HTTP figure) and this process (workers, publishers, direct ingest), read from Linux's /proc. On a machine of two cores the sum per event
/// bounds the throughput whatever the concurrency, so it says which side must get cheaper, where wall time only says
/// that something is slow.
/// </summary>
/// <remarks>
/// The pids come from STREAM_PERF_PG_PID and STREAM_PERF_NATS_PID or STREAM_PERF_HOST_PID (set by
/// scripts/perf/stream-ingest.sh); without them, or off Linux, nothing is measured. /proc counts in clock ticks of 1/100 s (USER_HZ, fixed at 100 by the Linux ABI).
/// </remarks>
internal sealed class CpuMeter
{
    private const double TicksPerSecond = 100;

    private readonly int _postgres;
    private readonly int _other;
    private readonly string _otherName;
    private (double Postgres, double Other, double Self) _mark;

    private CpuMeter(int postgres, int other, string otherName)
    {
        _postgres = postgres;
        _other = other;
        _otherName = otherName;
        _mark = Read();
    }

    /// <summary>A meter from the environment, or null when the pids are not given or /proc is not there.</summary>
    /// <param name="otherVariable">The variable holding the other server's pid.</param>
    /// <param name="otherName">Its name in the report.</param>
    public static CpuMeter? FromEnvironment(string otherVariable = "STREAM_PERF_NATS_PID", string otherName = "nats")
    {
        if (!OperatingSystem.IsLinux()
            || !int.TryParse(Environment.GetEnvironmentVariable("STREAM_PERF_PG_PID"), NumberStyles.None, CultureInfo.InvariantCulture, out var postgres)
            || !int.TryParse(Environment.GetEnvironmentVariable(otherVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var other))
        {
            return null;
        }

        return new CpuMeter(postgres, other, otherName);
    }

    /// <summary>Starts counting afresh (set-up work between the phases is not counted).</summary>
    public void Restart() => _mark = Read();

    /// <summary>The CPU seconds each side spent since the last call (or since creation), as one line for the report.</summary>
    public string Since(string phase, long events)
    {
        var now = Read();
        var (postgres, other, self) = (now.Postgres - _mark.Postgres, now.Other - _mark.Other, now.Self - _mark.Self);
        _mark = now;
        var perMillion = (postgres + other + self) * 1_000_000 / events;
        var ceiling = Environment.ProcessorCount * 1_000_000 / perMillion;
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu {phase}: postgres {postgres:F1} s, {_otherName} {other:F1} s, this process {self:F1} s; {perMillion:F1} CPU-s per million events (at that cost {Environment.ProcessorCount} cores store at most {ceiling:N0} events/s)");
    }

    private (double Postgres, double Other, double Self) Read()
    {
        double postgres = Ticks(_postgres, withReaped: true);
        foreach (var child in Children(_postgres))
        {
            postgres += Ticks(child, withReaped: false);
        }

        using var self = Process.GetCurrentProcess();
        return (postgres / TicksPerSecond, Ticks(_other, withReaped: true) / TicksPerSecond, self.TotalProcessorTime.TotalSeconds);
    }

    private static List<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } stat && long.Parse(stat[1], CultureInfo.InvariantCulture) == parent)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    // Fields after the command name: state, ppid, …, utime (index 11), stime, cutime, cstime.
    private static long Ticks(int pid, bool withReaped)
    {
        if (Stat(pid) is not { } stat)
        {
            return 0;
        }

        var own = long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture);
        return withReaped ? own + long.Parse(stat[13], CultureInfo.InvariantCulture) + long.Parse(stat[14], CultureInfo.InvariantCulture) : own;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");

            // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // the process ended between the listing and the read
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
