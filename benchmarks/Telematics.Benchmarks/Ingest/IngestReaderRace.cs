using System.Diagnostics;
using System.Globalization;

namespace Telematics.Benchmarks.Ingest;

/// <summary>
/// The <see cref="IngestReaderBenchmarks"/> methods run round-robin, interleaved, with process CPU time and wall time
/// per row, best and median over the rounds. On a shared, loaded machine BenchmarkDotNet measures one benchmark after
/// another while the load changes underneath; interleaving exposes every reader to the same load, so the ratios hold
/// even where the absolute figures do not. Run: <c>dotnet run -c Release --project benchmarks/Telematics.Benchmarks -- ingest-race [rounds]</c>.
/// </summary>
internal static class IngestReaderRace
{
    public static void Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12;
        var benchmarks = new IngestReaderBenchmarks();
        benchmarks.Setup();
        var contenders = new (string Name, Func<long> Read)[]
        {
            ("Csv_Sep", benchmarks.Csv_Sep),
            ("Csv_Telematics", benchmarks.Csv_Telematics),
            ("Ndjson_Telematics", benchmarks.Ndjson_Telematics),
            ("Binary_Telematics", benchmarks.Binary_Telematics),
        };
        var cpu = contenders.Select(_ => new List<double>()).ToArray();
        var wall = contenders.Select(_ => new List<double>()).ToArray();
        using var process = Process.GetCurrentProcess();
        for (var round = -1; round < rounds; round++)
        {
            for (var c = 0; c < contenders.Length; c++)
            {
                // Every invocation reads the next of the rotated row sets; four in a row cover all of them.
                long rows = 0;
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                for (var set = 0; set < 4; set++)
                {
                    rows += contenders[c].Read();
                }

                clock.Stop();
                process.Refresh();
                if (round >= 0)
                {
                    // Round -1 warms up the JIT and is not counted.
                    cpu[c].Add((process.TotalProcessorTime - cpuBefore).TotalNanoseconds / rows);
                    wall[c].Add(clock.Elapsed.TotalNanoseconds / rows);
                }
            }
        }

        Console.WriteLine($"Interleaved race, {rounds} rounds of 4 rotated row sets each; ns per row (load average at the end: {LoadAverage()})");
        Console.WriteLine("| Reader | CPU best | CPU median | wall best | wall median | CPU median vs Sep |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var sepMedian = Median(cpu[0]);
        for (var c = 0; c < contenders.Length; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {contenders[c].Name} | {cpu[c].Min():F1} | {Median(cpu[c]):F1} | {wall[c].Min():F1} | {Median(wall[c]):F1} | {Median(cpu[c]) / sepMedian:F2}× |"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
