using Microsoft.ML;
using Microsoft.ML.Data;

namespace Telematics.Scoring.MLNet;

/// <summary>
/// One reusable input row for an ML.NET row mapper: the features of the current row, served either as one
/// float vector column or as one float column per feature.
/// </summary>
/// <remarks>
/// Not thread-safe: one row belongs to one <see cref="MLNetEngine"/>. <see cref="MoveTo"/> copies the next
/// row's values and advances <see cref="Position"/>, which tells ML.NET's getters to recompute.
/// </remarks>
internal sealed class MLNetInputRow : DataViewRow
{
    private readonly float[] _values;
    private readonly bool _vector;
    private long _position = -1;

    public MLNetInputRow(DataViewSchema schema, int width, bool vector)
    {
        Schema = schema;
        _values = new float[width];
        _vector = vector;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => 0;

    /// <summary>Copies one row of feature values (model input order) and moves to a new position.</summary>
    public void MoveTo(ReadOnlySpan<float> row)
    {
        row.CopyTo(_values);
        _position++;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Delegate getter;
        if (_vector && column.Index == 0)
        {
            getter = (ValueGetter<VBuffer<float>>)GetVector;
        }
        else if (!_vector && column.Index < _values.Length)
        {
            var index = column.Index;
            getter = (ValueGetter<float>)((ref float value) => value = _values[index]);
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column {column.Index} '{column.Name}' is not an input of this row.");
        }

        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

    private void GetVector(ref VBuffer<float> value)
    {
        // Copy into the caller's buffer (reused across rows) rather than hand out ours, which the next row overwrites.
        var editor = VBufferEditor.Create(ref value, _values.Length);
        _values.CopyTo(editor.Values);
        value = editor.Commit();
    }
}
