using BenchmarkDotNet.Attributes;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Registry;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// Factor contributions of one driver on the benchmark tree ensemble (100 trees of depth 5 over 29 features):
/// exact TreeSHAP against the reference row (what <c>RiskScorer</c> now uses for ONNX tree ensembles) against the
/// permutation Shapley sampling it replaced (8 orders, 226 model rows per driver) as the baseline.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ContributionBenchmarks
{
    private static readonly int Width = TelematicsFeatures.Schema.Count;
    private string _root = "";
    private float[] _rows = [];
    private int _next;
    private ModelRegistry _registry = null!;
    private FactorContribution[] _contributions = [];

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "telematics-bench-shap", Guid.NewGuid().ToString("N"));
        BenchmarkModel.WritePackage(_root);
        _rows = BenchmarkModel.Rows();
        _registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _root, WatchForChanges = false, DefaultModel = "bench" });
        _contributions = new FactorContribution[Width];
        using var lease = _registry.Acquire();
        if (((OnnxRiskModel)lease.Package.Model).Trees is null)
        {
            throw new InvalidOperationException("The benchmark ensemble was not read as trees.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Permutation Shapley (8 orders)")]
    public double Permutation()
    {
        using var lease = _registry.Acquire();
        var package = lease.Package;
        return ContributionCalculator.PermutationShapley(package.Model, package.Calibration, NextRow(), package.ReferenceRow, _contributions, out _, out _);
    }

    [Benchmark(Description = "Exact TreeSHAP vs reference row")]
    public double TreeShap()
    {
        using var lease = _registry.Acquire();
        var package = lease.Package;
        var trees = ((OnnxRiskModel)package.Model).Trees!;
        return ContributionCalculator.TreeShap(package.Model, trees, package.Calibration, NextRow(), package.ReferenceRow, package.ReferenceScore, _contributions, out _);
    }

    private ReadOnlySpan<float> NextRow()
    {
        var start = _next;
        _next = (_next + 1) % BenchmarkModel.DistinctRows;
        return _rows.AsSpan(start * Width, Width);
    }
}
