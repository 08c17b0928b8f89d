namespace Telematics.Benchmarks.Gate;

/// <summary>A gate's figure: the median of its repetitions and an interval around it, and the verdict.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="Median">The figure (ratio, µs or bytes per invoke).</param>
/// <param name="Low">Lower end of the interval (≈ 95 % for the median).</param>
/// <param name="High">Upper end of the interval.</param>
/// <param name="Repetitions">How many interleaved repetitions it rests on.</param>
/// <param name="Remeasured">Whether the first measurement missed and this is the second.</param>
public sealed record GateMeasurement(GateDefinition Gate, double Median, double Low, double High, int Repetitions, bool Remeasured)
{
    /// <summary>Whether the median keeps the gate's bound.</summary>
    public bool MedianKeepsBound => (Gate.Max is not { } max || Median <= max) && (Gate.Min is not { } min || Median >= min);

    /// <summary>Whether the whole interval lies past the bound: the miss is established, not one noisy median.</summary>
    public bool IntervalPastBound => (Gate.Max is { } max && Low > max) || (Gate.Min is { } min && High < min);

    /// <summary>
    /// The verdict. Allocations are exact, so their figure decides. A time figure whose median misses is measured again
    /// (twice the repetitions); the second measurement fails only when its interval lies wholly past the bound, so that a
    /// figure sitting on its bound on a loaded machine does not make CI flaky while a real slowdown still fails.
    /// </summary>
    public bool Passed => MedianKeepsBound || (Gate.Kind != "allocation" && Remeasured && !IntervalPastBound);

    /// <summary>Passed although the median missed: the interval still holds the bound (reported as WARN).</summary>
    public bool Marginal => Passed && !MedianKeepsBound;

    /// <summary>The bound as text, e.g. <c>≤ 1.10</c>.</summary>
    public string Bound => Gate.Max is { } max ? $"≤ {max:0.###}" : $"≥ {Gate.Min:0.###}";

    /// <summary>The unit of the figure.</summary>
    public string Unit => Gate.Kind switch { "difference" => "µs", "allocation" => "B", _ => "×" };

    /// <summary>One line: gate, figure with interval, bound, verdict.</summary>
    public override string ToString() =>
        $"{(Marginal ? "WARN" : Passed ? "PASS" : "FAIL")}  {Gate.Id,-34} {Median,10:0.####} {Unit} [{Low:0.####}, {High:0.####}]  bound {Bound}{(Remeasured ? "  (re-measured)" : string.Empty)}  {Gate.Class}.{Gate.Candidate}";
}
