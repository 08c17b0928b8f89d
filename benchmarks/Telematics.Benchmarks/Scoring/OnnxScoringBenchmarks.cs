using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Telematics.Features.Schema;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Registry;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// SDK scoring (registry lease + <c>IRiskModel.Score</c> on ONNX: the compiled trees it serves, and ONNX Runtime as any
/// other model is served) against the raw library call —
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/>
/// with preallocated OrtValues — on the same model, plus the rule-based model. Inputs rotate over 8192 distinct rows.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class OnnxScoringBenchmarks
{
    private static readonly int Width = TelematicsFeatures.Schema.Count;
    private string _root = "";
    private float[] _rows = [];
    private int _next;

    private RawOrtSession _ort = null!;

    private ModelRegistry _registry = null!;
    private float[] _sdkOutput = [];

    /// <summary>Rows per call.</summary>
    [Params(1, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "telematics-bench", Guid.NewGuid().ToString("N"));
        var bytes = BenchmarkModel.WritePackage(_root);
        _rows = BenchmarkModel.Rows();

        _ort = new RawOrtSession(bytes, BatchSize, Width);

        _registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _root, WatchForChanges = false, DefaultModel = "bench" });
        _sdkOutput = new float[BatchSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        _ort.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private ReadOnlySpan<float> NextRows()
    {
        var start = _next;
        _next = (_next + BatchSize) % (BenchmarkModel.DistinctRows - BatchSize);
        return _rows.AsSpan(start * Width, BatchSize * Width);
    }

    [Benchmark(Baseline = true, Description = "ORT Run, preallocated OrtValues")]
    public float OrtRun()
    {
        return _ort.Run(NextRows());
    }

    [Benchmark(Description = "SDK registry + ONNX model")]
    public float SdkOnnx()
    {
        using var lease = _registry.Acquire();
        lease.Package.Model.Score(NextRows(), _sdkOutput);
        return _sdkOutput[0];
    }

    // The served path above runs the trees the SDK compiled; this is the path every other ONNX model takes (pooled
    // OrtValues, input binding, output read), on the same trees, so the gate measures what it says.
    [Benchmark(Description = "SDK registry + ONNX Runtime")]
    public float SdkOnnxRuntime()
    {
        using var lease = _registry.Acquire();
        ((OnnxRiskModel)lease.Package.Model).ScoreWithOnnxRuntime(NextRows(), _sdkOutput);
        return _sdkOutput[0];
    }

    [Benchmark(Description = "SDK registry + rules model")]
    public float SdkRules()
    {
        using var lease = _registry.Acquire(Telematics.Scoring.Packaging.ModelPackage.BuiltInName);
        lease.Package.Model.Score(NextRows(), _sdkOutput);
        return _sdkOutput[0];
    }
}
