using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Telematics.Training.Packaging;

/// <summary>Runs an exported ONNX graph with ONNX Runtime: its single input, the chosen output, and raw outputs of rows.</summary>
internal sealed class OnnxGraphCheck : IDisposable
{
    private readonly InferenceSession _session;
    private readonly int _width;

    public OnnxGraphCheck(byte[] onnx, int width, string? outputName = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(onnx, options);
        _width = width;
        if (_session.InputMetadata.Count != 1)
        {
            throw new InvalidOperationException($"The exported graph has {_session.InputMetadata.Count} inputs; one features tensor was expected.");
        }

        InputName = _session.InputMetadata.Keys.First();
        string? output = null;
        foreach (var (name, meta) in _session.OutputMetadata)
        {
            if ((outputName is null ? name.StartsWith("Score", StringComparison.Ordinal) : name == outputName) && meta.IsTensor && meta.ElementDataType == TensorElementType.Float)
            {
                output = name;
            }
        }

        OutputName = output ?? throw new InvalidOperationException(
            $"The exported graph has no float output for the Score column; its outputs are {string.Join(", ", _session.OutputMetadata.Keys)}.");
        OutputNames = [.. _session.OutputMetadata.Keys];
    }

    public string InputName { get; }

    public string OutputName { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Raw outputs of <paramref name="rows"/> (each <c>width</c> features), batched.</summary>
    public float[] Run(IReadOnlyList<float[]> rows)
    {
        const int Batch = 4096;
        var result = new float[rows.Count];
        for (var start = 0; start < rows.Count; start += Batch)
        {
            var count = Math.Min(Batch, rows.Count - start);
            var input = new float[count * _width];
            for (var r = 0; r < count; r++)
            {
                rows[start + r].CopyTo(input, r * _width);
            }

            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [count, _width]);
            using var run = new RunOptions();
            using var outputs = _session.Run(run, [InputName], [tensor], [OutputName]);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            var columns = values.Length / count;
            for (var r = 0; r < count; r++)
            {
                result[start + r] = values[r * columns];
            }
        }

        return result;
    }

    public void Dispose() => _session.Dispose();
}
