using Microsoft.ML;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.MLNet;

/// <summary>
/// A risk model served by ML.NET from a saved model .zip: one loaded transformer shared by all threads, scored
/// row by row through pooled engines (a row mapper bound to a reusable input row and an output getter).
/// </summary>
/// <remarks>
/// Thread-safe: a call rents an engine from a lock-free pool (one is created only when every pooled engine is in
/// use) and returns it, so no engine is allocated per call once the pool is warm and a call allocates nothing.
/// Load through <see cref="MLNetModelLoader"/> (a model package of kind <c>mlnet</c>). Disposing while calls are
/// in flight is the caller's responsibility (the registry leases models).
/// </remarks>
public sealed class MLNetRiskModel : IRiskModel
{
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _inputSchema;
    private readonly int _width;
    private readonly bool _vector;
    private readonly MLNetEngine?[] _pool;
    private volatile bool _disposed;

    internal MLNetRiskModel(ITransformer transformer, DataViewSchema inputSchema, ModelInputBinding binding, bool vector, string inputDescription, string outputName)
    {
        _transformer = transformer;
        _inputSchema = inputSchema;
        _width = binding.Count;
        _vector = vector;
        Binding = binding;
        InputDescription = inputDescription;
        OutputName = outputName;
        _pool = new MLNetEngine?[Math.Max(2, Environment.ProcessorCount * 2)];

        // The first engine binds the mapper (and fails here, at load, if it cannot) and warms the pool.
        _pool[0] = CreateEngine();
    }

    /// <inheritdoc />
    public ModelInputBinding Binding { get; }

    /// <summary>Describes how features reach the model: one vector column and its width, or the named scalar columns.</summary>
    public string InputDescription { get; }

    /// <summary>The output column read as the raw output (for example <c>Score</c> or <c>Probability</c>).</summary>
    public string OutputName { get; }

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var width = _width;
        if (inputs.Length != outputs.Length * width)
        {
            throw new ArgumentException($"Expected {outputs.Length} rows × {width} inputs = {outputs.Length * width} values, got {inputs.Length}.", nameof(inputs));
        }

        var engine = Rent();
        try
        {
            for (var r = 0; r < outputs.Length; r++)
            {
                outputs[r] = engine.Score(inputs.Slice(r * width, width));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new ModelScoringException($"ML.NET failed to score {outputs.Length} rows: {e.Message}", e);
        }
        finally
        {
            Return(engine);
        }
    }

    /// <summary>Releases the pooled engines and the loaded model.</summary>
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

        (_transformer as IDisposable)?.Dispose();
    }

    /// <summary>Creates an engine over the model's row mapper; the type the pool holds.</summary>
    internal MLNetEngine CreateEngine() => new(_transformer, _inputSchema, _width, _vector, OutputName);

    private MLNetEngine Rent()
    {
        for (var i = 0; i < _pool.Length; i++)
        {
            var engine = Interlocked.Exchange(ref _pool[i], null);
            if (engine is not null)
            {
                return engine;
            }
        }

        return CreateEngine();
    }

    private void Return(MLNetEngine engine)
    {
        if (!_disposed)
        {
            for (var i = 0; i < _pool.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _pool[i], engine, null) is null)
                {
                    return;
                }
            }
        }

        engine.Dispose();
    }
}
