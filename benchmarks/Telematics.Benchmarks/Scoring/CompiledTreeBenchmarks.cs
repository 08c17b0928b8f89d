using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Telematics.Features.Schema;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// Tree ensembles compiled in process (<c>OnnxRiskModel</c> with <c>UsesCompiledTrees</c>) against ONNX Runtime's own
/// <c>Run</c> on the same model, single-threaded, preallocated OrtValues: a gradient-boosting-sized model (100 trees of
/// depth 5) and a 500-tree depth-8 forest, at batch 1 and 1,024. Inputs rotate over 8,192 distinct rows.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class CompiledTreeBenchmarks
{
    private const int DistinctRows = 8192;
    private static readonly int Width = TelematicsFeatures.Schema.Count;

    private float[] _rows = [];
    private int _next;
    private RawOrtSession _ort = null!;
    private OnnxRiskModel _model = null!;
    private float[] _sdkOutput = [];

    /// <summary>The ensemble: <c>gbm-100x5</c> or <c>forest-500x8</c>.</summary>
    [Params("gbm-100x5", "forest-500x8")]
    public string Model { get; set; } = "";

    /// <summary>Rows per call.</summary>
    [Params(1, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bytes = Model == "gbm-100x5" ? BenchmarkModel.Build() : RandomForests.Build(500, 8, 500);
        _rows = RandomForests.Rows(DistinctRows, 1);
        _ort = new RawOrtSession(bytes, BatchSize, Width);
        _model = OnnxRiskModel.Load(bytes, TelematicsFeatures.Schema, new OnnxModelSpec { Features = RandomForests.Features, OutputName = "variable" });
        if (!_model.UsesCompiledTrees)
        {
            throw new InvalidOperationException($"The {Model} model was not compiled: {_model.CompiledTreesNote}");
        }

        _sdkOutput = new float[BatchSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _ort.Dispose();
    }

    private ReadOnlySpan<float> NextRows()
    {
        var start = _next;
        _next = (_next + BatchSize) % (DistinctRows - BatchSize);
        return _rows.AsSpan(start * Width, BatchSize * Width);
    }

    [Benchmark(Baseline = true, Description = "ORT Run, preallocated OrtValues")]
    public float OrtRun()
    {
        return _ort.Run(NextRows());
    }

    [Benchmark(Description = "SDK compiled trees")]
    public float Compiled()
    {
        _model.Score(NextRows(), _sdkOutput);
        return _sdkOutput[0];
    }
}
