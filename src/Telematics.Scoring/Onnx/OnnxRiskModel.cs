using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Telematics.Features.Schema;
using Telematics.Scoring.Contributions;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// A risk model served by ONNX Runtime: one <see cref="InferenceSession"/> shared by all threads, inputs and
/// outputs through pooled pinned buffers and reused OrtValues.
/// </summary>
/// <remarks>
/// Inputs are bound by the <see cref="OnnxModelSpec"/>, never by position guesswork; a difference between the
/// spec and the graph is refused at load. Thread-safe. For a float-tensor output and batches up to
/// <see cref="OnnxModelSpec.MaxBatchSize"/> rows, a call allocates nothing once its pooled buffers exist;
/// a ZipMap output is read through ONNX Runtime's sequence/map API, which allocates per row.
/// Disposing while calls are in flight is the caller's responsibility (the registry leases models).
/// </remarks>
public sealed class OnnxRiskModel : IRiskModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly int[] _inputWidths;
    private readonly string[] _outputNames;
    private readonly OnnxOutputReader _output;
    private readonly int _maxBatch;
    private readonly OnnxBuffers?[] _pool;
    private volatile bool _disposed;

    private OnnxRiskModel(InferenceSession session, ModelInputBinding binding, string[] inputNames, int[] inputWidths, OnnxOutputReader output, int maxBatch)
    {
        _session = session;
        Binding = binding;
        _inputNames = inputNames;
        _inputWidths = inputWidths;
        _output = output;
        _outputNames = [output.Name];
        _maxBatch = maxBatch;
        _pool = new OnnxBuffers?[Math.Max(2, Environment.ProcessorCount * 2)];
    }

    /// <inheritdoc />
    public ModelInputBinding Binding { get; }

    /// <summary>
    /// The tree ensemble that produces the raw output, when the model is one this SDK explains exactly (see
    /// <see cref="OnnxTreeEnsembleReader"/>) and its evaluation matched ONNX Runtime's at load; else <see langword="null"/>.
    /// </summary>
    internal TreeEnsemble? Trees { get; private set; }

    /// <summary>Describes the output read as the raw output (name, ONNX type, chosen column or class).</summary>
    public string OutputDescription => _output.Description;

    /// <summary>Loads a model from ONNX bytes and binds it to <paramref name="schema"/> as <paramref name="spec"/> says.</summary>
    /// <param name="onnx">The model file's bytes.</param>
    /// <param name="schema">The feature schema the spec's feature names refer to.</param>
    /// <param name="spec">How inputs and output are bound.</param>
    /// <exception cref="ModelBindingException">The graph's inputs or outputs differ from the spec; the message names the difference.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the bytes (corrupt or unsupported model).</exception>
    public static OnnxRiskModel Load(byte[] onnx, FeatureSchema schema, OnnxModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.IntraOpThreads, 1);

        var binding = ModelInputBinding.Create(schema, spec.Features);
        InferenceSession session;
        using (var options = CreateSessionOptions(spec))
        {
            try
            {
                session = new InferenceSession(onnx, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX Runtime cannot load the model: {e.Message}", e);
            }
        }

        try
        {
            var (names, widths) = BindInputs(session, spec);
            var output = OnnxOutputReader.Create(session, spec);
            var model = new OnnxRiskModel(session, binding, names, widths, output, spec.MaxBatchSize);
            model.Trees = VerifiedTrees(model, TryReadTrees(onnx, spec));
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var width = Binding.Count;
        if (inputs.Length != outputs.Length * width)
        {
            throw new ArgumentException($"Expected {outputs.Length} rows × {width} inputs = {outputs.Length * width} values, got {inputs.Length}.", nameof(inputs));
        }

        var buffers = Rent();
        try
        {
            for (var start = 0; start < outputs.Length; start += _maxBatch)
            {
                var rows = Math.Min(_maxBatch, outputs.Length - start);
                ScoreChunk(buffers, inputs.Slice(start * width, rows * width), outputs.Slice(start, rows));
            }
        }
        finally
        {
            Return(buffers);
        }
    }

    /// <summary>Releases the session and the pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < _pool.Length; i++)
        {
            Interlocked.Exchange(ref _pool[i], null)?.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    private void ScoreChunk(OnnxBuffers buffers, ReadOnlySpan<float> rows, Span<float> outputs)
    {
        var count = outputs.Length;
        if (_inputWidths.Length == 1)
        {
            rows.CopyTo(buffers.Inputs[0]);
        }
        else
        {
            // Per-feature inputs: scatter each column into its own [N, 1] tensor.
            var width = _inputWidths.Length;
            for (var f = 0; f < width; f++)
            {
                var column = buffers.Inputs[f];
                for (var r = 0; r < count; r++)
                {
                    column[r] = rows[r * width + f];
                }
            }
        }

        buffers.Prepare(count);
        try
        {
            if (_output.Preallocated)
            {
                _session.RunWithBinding(_runOptions, buffers.Binding!);
                _output.ReadTensor(buffers.Output, outputs);
            }
            else
            {
                using var results = _session.Run(_runOptions, _inputNames, buffers.InputValues, _outputNames);
                _output.ReadValue(results[0], outputs);
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelScoringException($"ONNX Runtime failed to score {count} rows: {e.Message}", e);
        }
    }

    private OnnxBuffers Rent()
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            var buffers = Interlocked.Exchange(ref _pool[i], null);
            if (buffers is not null)
            {
                return buffers;
            }
        }

        return new OnnxBuffers(_session, _inputNames, _inputWidths, _output.Name, _output.Columns, _maxBatch, _output.Preallocated);
    }

    private void Return(OnnxBuffers buffers)
    {
        if (!_disposed)
        {
            for (var i = 0; i < _pool.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _pool[i], buffers, null) is null)
                {
                    return;
                }
            }
        }

        buffers.Dispose();
    }

    private static TreeEnsemble? TryReadTrees(byte[] onnx, OnnxModelSpec spec)
    {
        try
        {
            return OnnxTreeEnsembleReader.TryRead(onnx, spec);
        }
        catch (InvalidDataException)
        {
            // ONNX Runtime loaded the model, so it is valid; a protobuf detail the small reader does not follow only
            // costs exact contributions (the model-agnostic method remains).
            return null;
        }
    }

    /// <summary>
    /// Keeps <paramref name="trees"/> only if it reproduces ONNX Runtime's output on rows probing every split (at,
    /// just above and just below each threshold, and missing values), so that exact contributions never explain a
    /// model other than the one that scores.
    /// </summary>
    private static TreeEnsemble? VerifiedTrees(OnnxRiskModel model, TreeEnsemble? trees)
    {
        if (trees is null)
        {
            return null;
        }

        const int Rows = 64;
        var width = trees.Width;
        var thresholds = new List<float>[width];
        for (var f = 0; f < width; f++)
        {
            thresholds[f] = [0f];
        }

        foreach (var (feature, threshold) in trees.Splits())
        {
            thresholds[feature].Add(threshold);
        }

        var random = new Random(20_261_128);
        var rows = new float[Rows * width];
        for (var i = 0; i < rows.Length; i++)
        {
            var candidates = thresholds[i % width];
            var value = candidates[random.Next(candidates.Count)];
            rows[i] = random.Next(8) switch
            {
                0 => float.NaN,
                1 or 2 => value,
                3 or 4 => MathF.BitIncrement(value),
                5 or 6 => MathF.BitDecrement(value),
                _ => (float)random.NextDouble(),
            };
        }

        var outputs = new float[Rows];
        model.Score(rows, outputs);
        for (var r = 0; r < Rows; r++)
        {
            var expected = trees.Output(trees.Margin(rows.AsSpan(r * width, width)));
            if (!(Math.Abs(expected - outputs[r]) <= 1e-5 * Math.Max(1, Math.Abs(outputs[r]))))
            {
                return null;
            }
        }

        return trees;
    }

    private static SessionOptions CreateSessionOptions(OnnxModelSpec spec)
    {
        var options = new SessionOptions
        {
            // Constant folding and node fusion pay off once per load and on every call after.
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = spec.IntraOpThreads,
            InterOpNumThreads = 1,
            // ONNX Runtime logs to stderr; errors reach callers as exceptions instead, so only fatal messages remain.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            LogId = "Telematics.Scoring",
        };
        return options;
    }

    private static (string[] Names, int[] Widths) BindInputs(InferenceSession session, OnnxModelSpec spec)
    {
        var metadata = session.InputMetadata;
        if (spec.InputLayout == OnnxInputLayout.Tensor)
        {
            if (metadata.Count != 1 || !metadata.TryGetValue(spec.TensorInputName, out var input))
            {
                throw new ModelBindingException($"The manifest expects one input tensor '{spec.TensorInputName}'; the model's inputs are: {Describe(metadata.Keys)}.");
            }

            RequireFloatMatrix(spec.TensorInputName, input, spec.Features.Count);
            return ([spec.TensorInputName], [spec.Features.Count]);
        }

        foreach (var name in metadata.Keys)
        {
            if (!spec.Features.Contains(name))
            {
                throw new ModelBindingException($"Model input '{name}' is not among the manifest's features.");
            }
        }

        var names = new string[spec.Features.Count];
        var widths = new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var name = spec.Features[i];
            if (!metadata.TryGetValue(name, out var input))
            {
                throw new ModelBindingException($"Manifest feature '{name}' has no model input of that name; the model's inputs are: {Describe(metadata.Keys)}.");
            }

            RequireFloatMatrix(name, input, 1);
            names[i] = name;
            widths[i] = 1;
        }

        return (names, widths);
    }

    private static void RequireFloatMatrix(string name, NodeMetadata input, int columns)
    {
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
        {
            throw new ModelBindingException($"Model input '{name}' is {input.OnnxValueType} of {input.ElementDataType}; a float tensor is required.");
        }

        var dims = input.Dimensions;
        if (dims.Length != 2)
        {
            throw new ModelBindingException($"Model input '{name}' has rank {dims.Length}; a [N, {columns}] tensor is required.");
        }

        if (dims[1] > 0 && dims[1] != columns)
        {
            throw new ModelBindingException($"Model input '{name}' has {dims[1]} columns but the manifest lists {columns} feature(s) for it.");
        }
    }

    private static string Describe(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
