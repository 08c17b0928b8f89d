using Microsoft.ML;
using Microsoft.ML.Data;

namespace Telematics.Scoring.MLNet;

/// <summary>
/// What a prediction engine is, without its per-call object churn: a row mapper of the model bound to one
/// reusable <see cref="MLNetInputRow"/>, and a getter of the raw output column.
/// </summary>
/// <remarks>Not thread-safe; <see cref="MLNetRiskModel"/> pools engines so that each call has one to itself.</remarks>
internal sealed class MLNetEngine : IDisposable
{
    private readonly MLNetInputRow _input;
    private readonly DataViewRow _output;
    private readonly ValueGetter<float> _getter;

    public MLNetEngine(ITransformer transformer, DataViewSchema inputSchema, int width, bool vector, string outputName)
    {
        _input = new MLNetInputRow(inputSchema, width, vector);
        var mapper = transformer.GetRowToRowMapper(inputSchema);
        var column = mapper.OutputSchema[outputName];
        _output = mapper.GetRow(_input, [column]);
        _getter = _output.GetGetter<float>(column);
    }

    /// <summary>Scores one row (model input order) and returns the raw output.</summary>
    public float Score(ReadOnlySpan<float> row)
    {
        _input.MoveTo(row);
        var value = 0f;
        _getter(ref value);
        return value;
    }

    public void Dispose()
    {
        _output.Dispose();
        _input.Dispose();
    }
}
