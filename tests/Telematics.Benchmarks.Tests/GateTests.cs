using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Telematics.Benchmarks.Gate;

namespace Telematics.Benchmarks.Tests;

/// <summary>The gate fails on a synthetic regression (a slower candidate, a 1-byte allocation where 0 is promised) and names it.</summary>
public sealed class GateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gate-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_figure_past_its_bound_fails_and_its_line_names_the_benchmark()
    {
        var ratio = new GateMeasurement(Gate("ratio", max: 1.1), 1.2, 1.15, 1.25, 11, Remeasured: true);
        var allocation = new GateMeasurement(Gate("allocation", max: 0), 1, 1, 1, 1, Remeasured: true);
        var kept = new GateMeasurement(Gate("ratio", max: 1.1), 1.1, 1.0, 1.2, 11, Remeasured: false);

        Assert.False(ratio.Passed);
        Assert.False(allocation.Passed);
        Assert.True(kept.Passed);
        Assert.StartsWith("FAIL", ratio.ToString(), StringComparison.Ordinal);
        Assert.Contains("Synthetic.Candidate", ratio.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_median_past_its_bound_is_measured_again_and_fails_only_when_its_interval_is_past_too()
    {
        var first = new GateMeasurement(Gate("ratio", max: 0.1), 0.103, 0.0935, 0.116, 21, Remeasured: false);
        var straddling = new GateMeasurement(Gate("ratio", max: 0.1), 0.103, 0.0935, 0.116, 42, Remeasured: true);
        var established = new GateMeasurement(Gate("ratio", max: 0.1), 0.104, 0.1005, 0.109, 42, Remeasured: true);
        var allocation = new GateMeasurement(Gate("allocation", max: 0), 1, 1, 1, 1, Remeasured: true);

        Assert.False(first.Passed);
        Assert.True(straddling.Passed);
        Assert.True(straddling.Marginal);
        Assert.StartsWith("WARN", straddling.ToString(), StringComparison.Ordinal);
        Assert.False(established.Passed);
        Assert.False(allocation.Passed);
    }

    [Fact]
    public void A_run_with_a_slowed_candidate_and_an_allocating_one_exits_1_naming_both_and_keeps_the_rest()
    {
        var gates = Path.Combine(_folder, "gates.json");
        File.WriteAllText(gates, """
            { "gates": [
              { "id": "slow", "class": "SyntheticBenchmarks", "candidate": "Slow", "baseline": "Fast", "kind": "ratio", "max": 2, "reason": "test" },
              { "id": "same", "class": "SyntheticBenchmarks", "candidate": "Fast", "baseline": "Fast", "kind": "ratio", "max": 3, "reason": "test" },
              { "id": "allocates", "class": "SyntheticBenchmarks", "candidate": "Allocates", "kind": "allocation", "max": 0, "reason": "test" },
              { "id": "does-not-allocate", "class": "SyntheticBenchmarks", "candidate": "Fast", "kind": "allocation", "max": 0, "reason": "test" }
            ] }
            """);
        var output = new StringWriter();

        var exit = GateRunner.Run(["--gates", gates, "--out", _folder, "--repetitions", "5", "--target-ms", "5", "--no-wait"], typeof(GateTests).Assembly, output);

        var text = output.ToString();
        Assert.True(exit == 1, text);
        Assert.True(text.Contains("2 of 4 gates FAILED: slow (SyntheticBenchmarks.Slow), allocates (SyntheticBenchmarks.Allocates)", StringComparison.Ordinal), text);
        Assert.Contains("PASS  same", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "gate.json")));
        Assert.Equal(4, json.RootElement.GetArrayLength());
        Assert.Contains("**FAIL**", File.ReadAllText(Path.Combine(_folder, "gate.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_only_id_the_gates_file_does_not_define_exits_2_naming_it_and_measures_nothing()
    {
        var gates = Path.Combine(_folder, "gates.json");
        File.WriteAllText(gates, """
            { "gates": [
              { "id": "same", "class": "SyntheticBenchmarks", "candidate": "Fast", "baseline": "Fast", "kind": "ratio", "max": 3, "reason": "test" }
            ] }
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = GateRunner.Run(["--gates", gates, "--out", _folder, "--only", "same,smae,sme", "--no-wait"], typeof(GateTests).Assembly, output, error);

        Assert.True(exit == 2, output.ToString() + error);
        Assert.Contains("smae, sme", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("its gates are: same", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("gates passed", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "gate.json")));
    }

    [Fact]
    public void The_median_interval_covers_the_middle_of_the_figures()
    {
        var (median, low, high) = Statistics.MedianWithInterval([5, 1, 4, 2, 3, 9, 7, 8, 6, 10, 11]);

        Assert.Equal(6, median);
        Assert.True(low <= median && median <= high && low >= 1 && high <= 11 && (low, high) != (1, 11));
    }

    [Theory]
    [InlineData(11, 2, 10)] // [X(2), X(10)] covers 98.8 %; [X(3), X(9)] only 93.5 %
    [InlineData(21, 6, 16)] // [X(6), X(16)] covers 97.3 %; [X(7), X(15)] only 92.2 %
    [InlineData(42, 15, 28)] // 95.6 % against 91.2 %
    public void The_interval_is_the_narrowest_that_covers_95_percent(int n, double low, double high)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = n - i;
        }

        var (_, measuredLow, measuredHigh) = Statistics.MedianWithInterval(values);

        Assert.Equal((low, high), (measuredLow, measuredHigh));
        Assert.True(Statistics.IntervalCoverage(n, (int)low) >= Statistics.Coverage);
        Assert.True(Statistics.IntervalCoverage(n, (int)low + 1) < Statistics.Coverage);
    }

    private static GateDefinition Gate(string kind, double max) => new()
    {
        Id = "synthetic", Class = "Synthetic", Candidate = "Candidate", Baseline = kind == "ratio" ? "Baseline" : null, Kind = kind, Max = max, Reason = "test",
    };
}

/// <summary>A benchmark class whose candidate is 10× its baseline, and one method that allocates.</summary>
public class SyntheticBenchmarks
{
    private readonly double[] _values = [.. Enumerable.Range(0, 4096).Select(i => i * 0.5)];
    private byte[] _kept = [];

    [Benchmark(Baseline = true)]
    public double Fast() => Sum(1);

    // A hundred times the work: far enough past the gate's bound of 2 that the noise of a loaded CI machine (one run
    // measured 10× as 5× with an interval down to 1.7×, a marginal pass) cannot pass it.
    [Benchmark]
    public double Slow() => Sum(100);

    // Kept in a field: an array that does not escape is allocated on the stack by the JIT (.NET 10), and would cost 0 B.
    [Benchmark]
    public int Allocates()
    {
        _kept = new byte[1];
        return _kept.Length;
    }

    private double Sum(int rounds)
    {
        var sum = 0.0;
        for (var r = 0; r < rounds; r++)
        {
            foreach (var value in _values)
            {
                sum += value * r;
            }
        }

        return sum;
    }
}
