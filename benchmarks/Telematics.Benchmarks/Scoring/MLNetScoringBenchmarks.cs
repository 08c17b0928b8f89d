using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Telematics.Features.Schema;
using Telematics.Scoring.MLNet;
using Telematics.Scoring.Registry;

namespace Telematics.Benchmarks.Scoring;

/// <summary>
/// SDK scoring of an ML.NET model (registry lease + pooled row mappers) against the two ways ML.NET itself offers:
/// <c>PredictionEngine.Predict(example, ref prediction)</c> with reused row objects (the baseline), and
/// <c>ITransformer.Transform</c> over an <see cref="IDataView"/> of reused row objects read with a cursor.
/// Model: FastTree regression, 100 trees of 32 leaves over all 29 features, trained in setup on 4096 of the
/// benchmark rows; inputs rotate over 8192 distinct rows.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class MLNetScoringBenchmarks
{
    private static readonly int Width = TelematicsFeatures.Schema.Count;
    private string _root = "";
    private float[] _rows = [];
    private int _next;

    private MLContext _ml = null!;
    private ITransformer _model = null!;
    private PredictionEngine<Row, Prediction> _engine = null!;
    private Row _row = null!;
    private Prediction _prediction = null!;
    private Row[] _batch = [];
    private float[] _output = [];

    private ModelRegistry _registry = null!;

    /// <summary>Rows per call.</summary>
    [Params(1, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "telematics-bench-mlnet", Guid.NewGuid().ToString("N"));
        _rows = BenchmarkModel.Rows();
        if (Width != 29)
        {
            throw new InvalidOperationException($"Row declares 29 features; the schema has {Width}.");
        }

        _ml = new MLContext(seed: 1);
        var training = new Row[4096];
        for (var r = 0; r < training.Length; r++)
        {
            var features = _rows.AsSpan(r * Width, Width).ToArray();
            training[r] = new Row { Features = features, Label = features[0] * 2 + features[5] - features[9] * features[3] };
        }

        var data = _ml.Data.LoadFromEnumerable(training);
        _model = _ml.Regression.Trainers.FastTree(numberOfLeaves: 32, numberOfTrees: 100).Fit(data);
        using (var stream = new MemoryStream())
        {
            _ml.Model.Save(_model, data.Schema, stream);
            WritePackage(stream.ToArray());
        }

        _engine = _ml.Model.CreatePredictionEngine<Row, Prediction>(_model);
        _row = new Row { Features = new float[Width] };
        _prediction = new Prediction();
        _batch = new Row[BatchSize];
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = new Row { Features = new float[Width] };
        }

        _output = new float[BatchSize];
        var options = new ModelRegistryOptions { ModelDirectory = _root, WatchForChanges = false, DefaultModel = "bench-mlnet" };
        options.ModelLoaders.Add(new MLNetModelLoader());
        _registry = new ModelRegistry(options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        _engine.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "ML.NET PredictionEngine, reused rows")]
    public float PredictionEngine()
    {
        var rows = NextRows();
        for (var r = 0; r < BatchSize; r++)
        {
            rows.Slice(r * Width, Width).CopyTo(_row.Features);
            _engine.Predict(_row, ref _prediction);
            _output[r] = _prediction.Score;
        }

        return _output[0];
    }

    [Benchmark(Description = "ML.NET Transform over IDataView")]
    public float TransformDataView()
    {
        var rows = NextRows();
        for (var r = 0; r < BatchSize; r++)
        {
            rows.Slice(r * Width, Width).CopyTo(_batch[r].Features);
        }

        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(_batch));
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        var value = 0f;
        for (var r = 0; cursor.MoveNext(); r++)
        {
            getter(ref value);
            _output[r] = value;
        }

        return _output[0];
    }

    [Benchmark(Description = "SDK registry + ML.NET model")]
    public float SdkMLNet()
    {
        using var lease = _registry.Acquire();
        lease.Package.Model.Score(NextRows(), _output);
        return _output[0];
    }

    private ReadOnlySpan<float> NextRows()
    {
        var start = _next;
        _next = (_next + BatchSize) % (BenchmarkModel.DistinctRows - BatchSize);
        return _rows.AsSpan(start * Width, BatchSize * Width);
    }

    private void WritePackage(byte[] zip)
    {
        var dir = Path.Combine(_root, "bench-mlnet", "1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.zip"), zip);
        var features = new JsonArray();
        foreach (var feature in TelematicsFeatures.Schema.Features)
        {
            features.Add(feature.Name);
        }

        var manifest = new JsonObject
        {
            ["name"] = "bench-mlnet", ["version"] = "1", ["kind"] = "mlnet", ["file"] = "model.zip",
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(zip)),
            ["feature_schema"] = new JsonObject { ["name"] = "telematics", ["version"] = 1 },
            ["inputs"] = new JsonObject { ["layout"] = "tensor", ["features"] = features },
            ["output"] = new JsonObject { ["name"] = "Score", ["kind"] = "score" },
            ["calibration"] = new JsonObject { ["kind"] = "logistic", ["slope"] = 1, ["intercept"] = 0 },
        };
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
    }

    /// <summary>An input row: all 29 features as one vector column, as the trainer reads them.</summary>
    public sealed class Row
    {
        [VectorType(29)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>The regression output.</summary>
    public sealed class Prediction
    {
        public float Score { get; set; }
    }
}
