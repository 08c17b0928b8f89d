using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Telematics.Features.Schema;
using Telematics.Scoring.Registry;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// SDK scoring (registry lease + <c>IRiskModel.Score</c> on ONNX) against the raw library call —
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

    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private float[] _input = [];
    private float[] _output = [];
    private OrtValue _inputValue = null!;
    private OrtValue _outputValue = null!;
    private string[] _inputNames = ["float_input"];
    private string[] _outputNames = ["variable"];
    private OrtValue[] _inputValues = [];
    private OrtValue[] _outputValues = [];

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

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        _session = new InferenceSession(bytes, options);
        _runOptions = new RunOptions();
        _input = GC.AllocateArray<float>(BatchSize * Width, pinned: true);
        _output = GC.AllocateArray<float>(BatchSize, pinned: true);
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [BatchSize, Width]);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, [BatchSize, 1]);
        _inputValues = [_inputValue];
        _outputValues = [_outputValue];

        _registry = new ModelRegistry(new ModelRegistryOptions { ModelDirectory = _root, WatchForChanges = false, DefaultModel = "bench" });
        _sdkOutput = new float[BatchSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
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
        NextRows().CopyTo(_input);
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
        return _output[0];
    }

    [Benchmark(Description = "SDK registry + ONNX model")]
    public float SdkOnnx()
    {
        using var lease = _registry.Acquire();
        lease.Package.Model.Score(NextRows(), _sdkOutput);
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
