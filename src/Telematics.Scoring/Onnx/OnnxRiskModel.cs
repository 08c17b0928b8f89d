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
/// spec and the graph is refused at load. Thread-safe. Rows go to ONNX Runtime in calls of up to
/// <see cref="OnnxModelSpec.MaxBatchSize"/> rows, or of exactly n rows (zero-padded) when the input declares a fixed
/// batch dimension n, or of one row when it has no batch dimension ([k], with an output [1] or a scalar). For a float-tensor output whose declared shape is the one ONNX Runtime returns, a call allocates
/// nothing once its pooled buffers exist. A tensor output declared with another shape (onnxmltools' [N, 1] for [N, 2]) is
/// allocated by ONNX Runtime on every call, since it refuses a buffer of the real shape against the declared one (also when
/// ONNX Runtime allocated that buffer itself on the previous run); a ZipMap output is read through ONNX Runtime's
/// sequence/map API, which allocates per row.
/// Disposing while calls are in flight is the caller's responsibility (the registry leases models).
/// </remarks>
public sealed partial class OnnxRiskModel : IRiskModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly int[] _inputWidths;
    private readonly string[] _outputNames;
    private readonly OnnxOutputReader _output;
    private readonly int _maxBatch;
    private readonly bool _fixedBatch;
    private readonly bool _doubleInputs;
    private readonly bool _unbatched;
    private readonly OnnxBuffers?[] _pool;
    private CompiledTreeEnsemble? _compiled;
    private volatile bool _disposed;

    private OnnxRiskModel(InferenceSession session, ModelInputBinding binding, OnnxInputBinder.Inputs inputs, OnnxOutputReader output, int maxBatch)
    {
        _unbatched = inputs.Unbatched;
        _doubleInputs = inputs.Double;
        _fixedBatch = inputs.FixedBatch is not null;
        _session = session;
        Binding = binding;
        _inputNames = inputs.Names;
        _inputWidths = inputs.Widths;
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

    /// <summary>
    /// Whether rows are scored by the model's tree ensemble compiled in process (<see cref="CompiledTreeEnsemble"/>) instead
    /// of ONNX Runtime: only when its outputs matched ONNX Runtime's bit for bit at load.
    /// </summary>
    public bool UsesCompiledTrees => _compiled is not null;

    /// <summary>Why a tree ensemble model is scored by ONNX Runtime rather than compiled; null when compiled or not a tree ensemble.</summary>
    public string? CompiledTreesNote { get; private set; }

    /// <summary>Describes the output read as the raw output (name, ONNX type, chosen column or class).</summary>
    public string OutputDescription => _output.Description;

    /// <summary>The most rows a fixed batch dimension may declare; a larger one is refused rather than given huge buffers.</summary>
    internal const int MaxFixedBatch = 4096;

    /// <summary>Loads a model from ONNX bytes and binds it to <paramref name="schema"/> as <paramref name="spec"/> says.</summary>
    /// <param name="onnx">The model file's bytes.</param>
    /// <param name="schema">The feature schema the spec's feature names refer to.</param>
    /// <param name="spec">How inputs and output are bound.</param>
    /// <exception cref="ModelBindingException">The graph's inputs or outputs differ from the spec; the message names the difference.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the bytes (corrupt or unsupported model).</exception>
    /// <exception cref="ModelScoringException">ONNX Runtime loads the model but cannot score the rows that check it.</exception>
    public static OnnxRiskModel Load(byte[] onnx, FeatureSchema schema, OnnxModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.IntraOpThreads, 1);

        var binding = ModelInputBinding.Create(schema, spec.Features);
        var graph = TryReadGraph(onnx);
        RefuseExternalData(graph);
        var session = CreateSession(onnx, spec);
        OnnxRiskModel? model = null;
        try
        {
            var inputs = OnnxInputBinder.Bind(session, spec, graph);
            var output = OnnxOutputReader.Create(session, spec, graph, inputs);
            // The cap holds for every pooled buffer, inputs as well as output: a wide model with a large MaxBatchSize gets fewer
            // rows per call (calls are split anyway), so no valid setting is refused; only a fixed batch cannot shrink.
            var valuesPerRow = Math.Max(inputs.Widths.Sum(), Math.Max(1, output.Columns));
            var batch = inputs.FixedBatch ?? (int)Math.Min(spec.MaxBatchSize, MaxBufferValues / valuesPerRow);
            if (batch < 1 || (long)batch * valuesPerRow > MaxBufferValues)
            {
                throw new ModelBindingException(
                    $"Inputs {string.Join(", ", inputs.Names.Select(n => $"'{n}'"))} and output '{output.Name}' need {Math.Max(batch, 1)} rows × {valuesPerRow} values per call; at most {MaxBufferValues} values per buffer are supported.");
            }

            model = new OnnxRiskModel(session, binding, inputs, output, batch);
            model.Trees = graph is null ? null : VerifiedTrees(model, TryReadTrees(graph, spec, output.ClassColumn));
            (model._compiled, model.CompiledTreesNote) = model.Trees is { } trees ? CompiledTreeCheck.Compile(model, trees) : (null, null);
            return model;
        }
        catch (Exception e)
        {
            if (model is not null)
            {
                model.Dispose();
            }
            else
            {
                session.Dispose();
            }

            if (e is OnnxRuntimeException ort)
            {
                // Reading the metadata of a model ONNX Runtime loaded can still fail (an unusual type): the model's problem.
                throw new ModelBindingException($"ONNX Runtime cannot describe the model's inputs or outputs: {ort.Message}", ort);
            }

            throw;
        }
    }

    // Buffers per call are at most 16 M floats (64 MB); 1,024 rows × 4,096 columns fit.
    internal const long MaxBufferValues = 1 << 24;

    /// <summary>Rows per ONNX Runtime call: the fixed batch, else MaxBatchSize lowered so that no buffer exceeds <see cref="MaxBufferValues"/>.</summary>
    internal int RowsPerCall => _maxBatch;

    private static InferenceSession CreateSession(byte[] onnx, OnnxModelSpec spec)
    {
        using var options = CreateSessionOptions(spec);
        try
        {
            return new InferenceSession(onnx, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load the model: {e.Message}", e);
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

        if (_compiled is { } compiled)
        {
            compiled.Score(inputs, outputs);
            return;
        }

        ScoreWithOnnxRuntime(inputs, outputs);
    }

    /// <summary>Scores through ONNX Runtime whether or not the trees are compiled (the reference the compiled trees are checked against).</summary>
    internal void ScoreWithOnnxRuntime(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var width = Binding.Count;
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
        // A fixed batch dimension admits exactly that many rows: the rest of the batch is padded with zeros and not read.
        var runRows = _fixedBatch ? _maxBatch : count;
        if (_inputWidths.Length == 1)
        {
            rows.CopyTo(buffers.Inputs[0]);
            buffers.Inputs[0].AsSpan(rows.Length, (runRows - count) * _inputWidths[0]).Clear();
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

                column.AsSpan(count, runRows - count).Clear();
            }
        }

        buffers.Widen(runRows);
        buffers.Prepare(runRows);
        try
        {
            if (_output.Preallocated)
            {
                _session.RunWithBinding(_runOptions, buffers.Binding!);
                if (_output.IsDouble)
                {
                    _output.ReadTensor(buffers.DoubleOutput, runRows, outputs);
                }
                else
                {
                    _output.ReadTensor(buffers.Output, runRows, outputs);
                }
            }
            else
            {
                using var results = _session.Run(_runOptions, _inputNames, buffers.InputValues, _outputNames);
                _output.ReadValue(results[0], runRows, outputs);
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelScoringException($"ONNX Runtime failed to score {runRows} rows: {e.Message}", e);
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

        return new OnnxBuffers(_session, _inputNames, _inputWidths, _output.Name, _output.Columns, _maxBatch, _output.Preallocated, _doubleInputs, _output.IsDouble, _unbatched, _output.IsScalar);
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
}
