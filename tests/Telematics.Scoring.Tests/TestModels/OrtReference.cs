using Microsoft.ML.OnnxRuntime;

namespace Telematics.Scoring.Tests.TestModels;

/// <summary>Runs a model with ONNX Runtime directly, without the SDK, so that the SDK's results can be compared with it.</summary>
internal static class OrtReference
{
    /// <summary>
    /// Scores <paramref name="rows"/> (each of the input's width) in calls of <paramref name="batch"/> rows — padding the last
    /// call with zero rows when <paramref name="pad"/> — and returns column <paramref name="column"/> of output <paramref name="output"/>.
    /// </summary>
    public static float[] Run(byte[] onnx, string input, string output, float[][] rows, int batch, bool pad, int column = 0)
    {
        // One intra-op thread, as the SDK runs ONNX Runtime (OnnxModelSpec.IntraOpThreads): with more, ONNX Runtime may split a
        // tree ensemble's trees between threads and add the partial sums in another order, which changes the last bit.
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var width = rows[0].Length;
        var results = new List<float>();
        for (var start = 0; start < rows.Length; start += batch)
        {
            var count = Math.Min(batch, rows.Length - start);
            var runRows = pad ? batch : count;
            var data = new float[runRows * width];
            for (var r = 0; r < count; r++)
            {
                rows[start + r].CopyTo(data, r * width);
            }

            using var value = OrtValue.CreateTensorValueFromMemory(data, [runRows, width]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [input], [value], [output]);
            var tensor = outputs[0].GetTensorDataAsSpan<float>();
            var columns = tensor.Length / runRows;
            for (var r = 0; r < count; r++)
            {
                results.Add(tensor[r * columns + column]);
            }
        }

        return [.. results];
    }
}
