using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Telematics.Benchmarks.Gate;

/// <summary>
/// <c>Telematics.Benchmarks gate</c>: measures every gate of <c>gates.json</c> in this process, each as interleaved
/// repetitions of baseline and candidate (so a load that comes and goes hits both alike), re-measures once a figure
/// that misses its bound, prints a line per gate and writes JSON, markdown, the history and its chart.
/// </summary>
public static class GateRunner
{
    /// <summary>Runs the gate; the exit code is 0 when every gate passes, 1 when one fails, 2 for a bad command line.</summary>
    public static int Run(string[] args) => Run(args, typeof(GateRunner).Assembly, Console.Out);

    /// <summary>
    /// Runs the gate over the benchmark classes of <paramref name="benchmarks"/>, writing its lines to <paramref name="output"/>
    /// and command-line errors to <paramref name="error"/> (default standard error).
    /// </summary>
    internal static int Run(string[] args, System.Reflection.Assembly benchmarks, TextWriter output, TextWriter? error = null)
    {
        error ??= Console.Error;
        var options = GateOptions.Parse(args);
        if (options is null)
        {
            error.WriteLine("usage: gate --gates FILE [--out DIR] [--history CSV --commit SHA] [--repetitions N] [--target-ms MS] [--only ID,...] [--no-wait]");
            return 2;
        }

        var definitions = GateDefinition.Load(options.GatesPath);
        // A mistyped --only id would otherwise select no gate and report "0 gates passed": a pass that measured nothing.
        var unknown = options.Only?.Where(id => !definitions.Any(g => g.Id == id)).Order(StringComparer.Ordinal).ToList() ?? [];
        if (unknown.Count > 0)
        {
            error.WriteLine($"--only names {(unknown.Count == 1 ? "a gate" : "gates")} that {options.GatesPath} does not define: {string.Join(", ", unknown)}; its gates are: {string.Join(", ", definitions.Select(g => g.Id))}.");
            return 2;
        }

        var gates = definitions.Where(g => options.Only is null || options.Only.Contains(g.Id)).ToList();
        var results = new List<GateMeasurement>();
        output.WriteLine(QuietMachine.Wait(options.MaxQuietWait));
        foreach (var group in gates.GroupBy(g => g.Class + JsonSerializer.Serialize(g.Params)))
        {
            using var benchmark = GateBenchmark.Create(group.First(), benchmarks);
            foreach (var gate in group)
            {
                var measured = Measure(benchmark, gate, options, remeasured: false);
                if (!measured.MedianKeepsBound && gate.Kind != "allocation")
                {
                    // One more try, twice as long, before failing: a burst of load on a shared machine can move one measurement
                    // (allocations are exact, so a missed one is final).
                    output.WriteLine($"{gate.Id}: {measured.Median:G4} misses its bound; {QuietMachine.Wait(options.MaxQuietWait)}");
                    measured = Measure(benchmark, gate, options with { Repetitions = 2 * options.Repetitions }, remeasured: true);
                }

                output.WriteLine(measured);
                results.Add(measured);
            }
        }

        var failed = results.Where(r => !r.Passed).ToList();
        var marginal = results.Where(r => r.Marginal).Select(r => r.Gate.Id).ToList();
        var warning = marginal.Count == 0 ? string.Empty : $" ({marginal.Count} marginal, median past its bound but not its interval: {string.Join(", ", marginal)})";
        output.WriteLine(failed.Count == 0
            ? $"{results.Count} gates passed{warning}"
            : $"{failed.Count} of {results.Count} gates FAILED: {string.Join(", ", failed.Select(f => $"{f.Gate.Id} ({f.Gate.Class}.{f.Gate.Candidate})"))}{warning}");
        GateReport.Write(results, options);
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>Measures one gate: calibrated call counts, then interleaved repetitions.</summary>
    internal static GateMeasurement Measure(GateBenchmark benchmark, GateDefinition gate, GateOptions options, bool remeasured)
    {
        var (candidate, operations) = benchmark.Method(gate.Candidate);
        if (gate.Kind == "allocation")
        {
            // Warm up (JIT tiers, pools, first-use buffers), then count exactly: allocations do not depend on load.
            WarmUp(candidate);
            var bytes = GateBenchmark.Allocated(candidate, Math.Max(16, Calls(candidate, options)));
            return new GateMeasurement(gate, bytes, bytes, bytes, 1, remeasured);
        }

        var (baseline, baselineOperations) = benchmark.Method(gate.Baseline!);
        WarmUp(baseline);
        WarmUp(candidate);
        var calls = Calls(candidate, options);
        var baselineCalls = Calls(baseline, options);
        var figures = new List<double>();
        for (var r = 0; r < options.Repetitions; r++)
        {
            // Alternate which runs first, so neither always gets the warmer cache or the quieter moment.
            double a, b;
            if (r % 2 == 0)
            {
                b = GateBenchmark.Time(baseline, baselineCalls) / baselineOperations;
                a = GateBenchmark.Time(candidate, calls) / operations;
            }
            else
            {
                a = GateBenchmark.Time(candidate, calls) / operations;
                b = GateBenchmark.Time(baseline, baselineCalls) / baselineOperations;
            }

            figures.Add(gate.Kind == "difference" ? (a - b) * 1e6 : a / b);
        }

        var (median, low, high) = Statistics.MedianWithInterval(figures);
        return new GateMeasurement(gate, median, low, high, figures.Count, remeasured);
    }

    // Long enough for tiered compilation to reach optimised code (its call-counting delay is 100 ms), so that no
    // repetition measures the first, unoptimised tier of one side.
    private static void WarmUp(Action call)
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 4);
        do
        {
            call();
        }
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until);
    }

    // Calls that take about the target time (after a warm-up call that also JIT-compiles).
    private static int Calls(Action call, GateOptions options)
    {
        call();
        var once = Math.Max(GateBenchmark.Time(call, 1), 1e-7);
        return (int)Math.Clamp(options.TargetMilliseconds / 1000.0 / once, 1, 1_000_000);
    }
}

/// <summary>The gate's command line.</summary>
internal sealed record GateOptions(string GatesPath, string? OutDirectory, string? HistoryPath, string Commit, int Repetitions, double TargetMilliseconds, HashSet<string>? Only)
{
    /// <summary>Longest wait for a quiet machine before measuring (0 with <c>--no-wait</c>, as the gate's own tests use).</summary>
    public TimeSpan MaxQuietWait { get; init; } = TimeSpan.FromSeconds(90);

    public static GateOptions? Parse(string[] args)
    {
        string? gates = null, output = null, history = null, commit = "local";
        int repetitions = 11;
        double target = 40;
        HashSet<string>? only = null;
        var wait = TimeSpan.FromSeconds(90);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--gates": gates = value; i++; break;
                case "--out": output = value; i++; break;
                case "--history": history = value; i++; break;
                case "--commit": commit = value ?? commit; i++; break;
                case "--repetitions" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 3: repetitions = n; i++; break;
                case "--target-ms" when double.TryParse(value, CultureInfo.InvariantCulture, out var ms) && ms > 0: target = ms; i++; break;
                case "--only" when value is not null: only = [.. value.Split(',')]; i++; break;
                case "--no-wait": wait = TimeSpan.Zero; break;
                default: return null;
            }
        }

        return gates is null ? null : new GateOptions(gates, output, history, commit, repetitions, target, only) { MaxQuietWait = wait };
    }
}
